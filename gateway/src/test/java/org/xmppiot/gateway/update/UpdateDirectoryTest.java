package org.xmppiot.gateway.update;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.xmppiot.gateway.health.Health;

/** What the gateway hands the update helper and what it reads back, on a real directory. */
class UpdateDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void onlyAVersionPassesOneAtATimeAndOnlyWhereTheHelperIs() throws Exception {
        UpdateDirectory absent = new UpdateDirectory(dir.resolve("none"));
        assertThat(absent.request("0.2.0", "owner@example.org")).startsWith("this gateway has no update helper");

        Path shared = Files.createDirectory(dir.resolve("update"));
        UpdateDirectory updates = new UpdateDirectory(shared);
        assertThat(updates.request("0.2.0; reboot", "owner@example.org")).contains("is not a package version");
        assertThat(updates.request("../../etc/passwd", "owner@example.org")).contains("is not a package version");
        assertThat(updates.request("-o APT::x", "owner@example.org")).contains("is not a package version");
        assertThat(updates.request("x".repeat(500), "owner@example.org")).hasSizeLessThan(200);
        assertThat(shared.resolve("request")).doesNotExist();

        assertThat(updates.request("0.2.0+rpi1~b2", "owner@example.org")).isNull();
        assertThat(shared.resolve("request")).hasContent("0.2.0+rpi1~b2");
        assertThat(updates.request("0.3.0", "owner@example.org")).contains("already requested");

        Files.delete(shared.resolve("request")); // taken by the helper, which says it is under way
        Files.writeString(shared.resolve("result"), "id=7\noutcome=updating\nfrom=0.1.0\nto=0.2.0\ntext=Updating from 0.1.0 to 0.2.0.\n");
        assertThat(updates.request("0.3.0", "owner@example.org")).isEqualTo("an update is under way: Updating from 0.1.0 to 0.2.0.");
        assertThat(updates.lastResult().finished()).isFalse();

        Files.writeString(shared.resolve("result"), "id=7\noutcome=rolled-back\nfrom=0.1.0\nto=0.2.0\n"
                + "text=Rolled back from 0.2.0 to 0.1.0: not connected and publishing within 180 s.\n");
        Health.Update last = updates.lastResult();
        assertThat(last).isEqualTo(new Health.Update("7", "rolled-back", "0.1.0", "0.2.0",
                "Rolled back from 0.2.0 to 0.1.0: not connected and publishing within 180 s."));
        assertThat(last.finished()).isTrue();
        assertThat(updates.request("0.3.0", "owner@example.org")).isNull();
    }

    @Test
    void aResultWithoutItsIdOrOutcomeIsNone() throws Exception {
        UpdateDirectory updates = new UpdateDirectory(dir);
        assertThat(updates.lastResult()).isNull();
        Files.writeString(dir.resolve("result"), "text=half a file\n");
        assertThat(updates.lastResult()).isNull();
    }

    @Test
    void theHealthFileNamesThisProcessAndWhatWasToldIsRemembered() throws Exception {
        UpdateDirectory updates = new UpdateDirectory(dir);
        updates.healthy();
        assertThat(dir.resolve("healthy")).hasContent(Long.toString(ProcessHandle.current().pid()));
        assertThat(updates.told()).isEmpty();
        updates.told("20261203T064100Z-811");
        assertThat(updates.told()).isEqualTo("20261203T064100Z-811");
    }
}
