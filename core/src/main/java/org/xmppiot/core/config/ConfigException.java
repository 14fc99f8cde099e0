package org.xmppiot.core.config;

/**
 * A configuration mistake, with where it is (file, line, column, key path) and what is allowed there.
 * Its message is meant to be shown to the user as it is.
 */
public final class ConfigException extends Exception {

    private final String file;
    private final int line;
    private final int column;
    private final String path;
    private final String problem;

    public ConfigException(String file, int line, int column, String path, String problem) {
        super(format(file, line, column, path, problem));
        this.file = file;
        this.line = line;
        this.column = column;
        this.path = path;
        this.problem = problem;
    }

    private static String format(String file, int line, int column, String path, String problem) {
        StringBuilder b = new StringBuilder(file);
        if (line > 0) {
            b.append(':').append(line);
            if (column > 0) {
                b.append(':').append(column);
            }
        }
        b.append(": ");
        if (path != null && !path.isEmpty()) {
            b.append(path).append(": ");
        }
        return b.append(problem).toString();
    }

    public String file() {
        return file;
    }

    /** 1-based line, or 0 when the mistake is about the file as a whole. */
    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** The key path, e.g. {@code things[1].interval}. */
    public String path() {
        return path;
    }

    public String problem() {
        return problem;
    }
}
