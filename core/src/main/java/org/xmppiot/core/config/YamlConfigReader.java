package org.xmppiot.core.config;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** Reads a YAML document into a {@link ConfigNode} tree that keeps the line and column of every value. */
public final class YamlConfigReader {

    private static final YAMLFactory FACTORY = new YAMLFactory();

    private YamlConfigReader() {
    }

    public static ConfigNode read(Path file) throws ConfigException {
        String name = file.toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(name, 0, 0, "", "no such file");
        } catch (IOException e) {
            throw new ConfigException(name, 0, 0, "", "cannot read: " + e.getMessage());
        }
        return read(name, text);
    }

    public static ConfigNode read(String name, String text) throws ConfigException {
        try (Reader reader = new StringReader(text); JsonParser parser = FACTORY.createParser(reader)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return ConfigNode.emptyMap(name, "");
            }
            ConfigNode root = readValue(parser, name, "");
            if (parser.nextToken() != null) {
                JsonLocation at = parser.currentTokenLocation();
                throw new ConfigException(name, at.getLineNr(), at.getColumnNr(), "", "only one YAML document is allowed");
            }
            if (root.kind() != ConfigNode.Kind.MAP) {
                throw root.error("the file must be a section of keys (key: value lines) at the top");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw syntaxError(name, e);
        } catch (IOException e) {
            throw new ConfigException(name, 0, 0, "", "cannot read: " + e.getMessage());
        }
    }

    /** Where the YAML parser reports the problem itself ("line 2, column 1"), not where the construct it was reading began. */
    private static final java.util.regex.Pattern PROBLEM_AT = java.util.regex.Pattern.compile("line (\\d+), column (\\d+)");
    /** The parser's pointers into its input: "in 'reader', line 2, column 1:" and the caret excerpt after it. */
    private static final java.util.regex.Pattern EXCERPT = java.util.regex.Pattern.compile("\\s*in 'reader', line \\d+, column \\d+:.*?(\\^|$)",
            java.util.regex.Pattern.DOTALL);

    /**
     * A syntax error in one sentence at the place of the problem: the parser's message names the construct it was in and
     * then the problem, each with its position and an excerpt of the text; the last position is the problem's.
     */
    private static ConfigException syntaxError(String name, JsonProcessingException e) {
        String raw = e.getOriginalMessage();
        JsonLocation at = e.getLocation();
        int line = at == null ? 0 : at.getLineNr();
        int column = at == null ? 0 : at.getColumnNr();
        java.util.regex.Matcher m = PROBLEM_AT.matcher(raw);
        while (m.find()) {
            line = Integer.parseInt(m.group(1));
            column = Integer.parseInt(m.group(2));
        }
        String problem = raw.contains("(TAB)") ? "a tab character; YAML indents with spaces only"
                : EXCERPT.matcher(raw).replaceAll("").replaceAll("\\s+", " ").trim();
        return new ConfigException(name, line, column, "", "not valid YAML: " + problem);
    }

    private static ConfigNode readValue(JsonParser parser, String file, String path) throws IOException, ConfigException {
        JsonLocation at = parser.currentTokenLocation();
        int line = at.getLineNr();
        int column = at.getColumnNr();
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT: {
                Map<String, ConfigNode> entries = ConfigNode.newEntries();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    JsonLocation keyAt = parser.currentTokenLocation();
                    String childPath = path.isEmpty() ? key : path + "." + key;
                    if (entries.containsKey(key)) {
                        throw new ConfigException(file, keyAt.getLineNr(), keyAt.getColumnNr(), childPath,
                                "the key appears twice in the same section (first on line " + entries.get(key).line() + ")");
                    }
                    parser.nextToken();
                    ConfigNode value = readValue(parser, file, childPath);
                    // Errors about a key point at the key itself, which is where a user looks.
                    entries.put(key, relocate(value, keyAt));
                }
                return ConfigNode.map(file, line, column, path, entries);
            }
            case START_ARRAY: {
                List<ConfigNode> items = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(readValue(parser, file, path + "[" + items.size() + "]"));
                }
                return ConfigNode.list(file, line, column, path, items);
            }
            case VALUE_NULL:
                return ConfigNode.nullValue(file, line, column, path);
            default:
                // A plain true/false arrives as a boolean token; a quoted "true" is text and stays text.
                boolean isBoolean = token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE;
                return ConfigNode.scalar(file, line, column, path, parser.getText(), isBoolean);
        }
    }

    private static ConfigNode relocate(ConfigNode value, JsonLocation keyAt) {
        return value.at(keyAt.getLineNr(), keyAt.getColumnNr());
    }
}
