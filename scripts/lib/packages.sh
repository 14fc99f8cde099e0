# Installs Debian packages for commands that are missing. Sourced by the scripts beside it.
# Usage: install_missing COMMAND:PACKAGE ...   (installs PACKAGE when COMMAND is not on the PATH)

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "need root to run: $*  (install sudo or run this script as root)" >&2
        return 1
    fi
}

install_missing() {
    local wanted=() pair
    for pair in "$@"; do
        command -v "${pair%%:*}" >/dev/null 2>&1 || wanted+=("${pair#*:}")
    done
    install_packages "${wanted[@]}"
}

# Usage: install_packages PACKAGE ...   (does nothing without arguments)
install_packages() {
    local wanted=("$@")
    [ ${#wanted[@]} -eq 0 ] && return 0
    echo "installing ${wanted[*]} ..." >&2
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${wanted[@]}" >/dev/null
    local p
    for p in "${wanted[@]}"; do
        # We only need the prosody program: the tests and the demo run their own throwaway server.
        # Do not leave the package's system-wide server running on this machine as a side effect.
        if [ "$p" = prosody ] && [ -d /run/systemd/system ]; then
            as_root systemctl disable --now prosody >/dev/null 2>&1 &&
                echo "disabled the prosody system service that the package started (not needed here)" >&2
        fi
        # Likewise ejabberd (the cluster test runs its own nodes) and the Erlang port mapper it brings.
        if [ "$p" = ejabberd ] && [ -d /run/systemd/system ]; then
            as_root systemctl disable --now ejabberd epmd.socket epmd.service >/dev/null 2>&1 &&
                echo "disabled the ejabberd and epmd system services that the package started (not needed here)" >&2
        fi
    done
}
