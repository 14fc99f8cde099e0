package org.xmppiot.gateway.http;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Reading;

/** A small SVG line chart of one numeric field over the last hour, drawn on the server: no script, no library. */
final class HistoryChart {

    static final Duration SPAN = Duration.ofHours(1);
    static final int POINTS = 600;
    private static final int WIDTH = 300;
    private static final int HEIGHT = 60;

    private HistoryChart() {
    }

    static String svg(String field, List<Reading> readings, Instant now) {
        List<double[]> points = new ArrayList<>();
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        String unit = "";
        // The x axis runs from the first value of the hour (or an hour ago) to now, so a young history fills the chart.
        Instant from = readings.isEmpty() || readings.get(0).timestamp().isBefore(now.minus(SPAN)) ? now.minus(SPAN) : readings.get(0).timestamp();
        double width = Math.max(1, Duration.between(from, now).toMillis());
        for (Reading r : readings) {
            Field f = r.field(field);
            BigDecimal v = f == null ? null : value(f.value());
            if (v == null) {
                continue;
            }
            if (f.value() instanceof FieldValue.NumericValue n) {
                unit = n.unit();
            }
            double y = v.doubleValue();
            double x = Math.min(1, Duration.between(from, r.timestamp()).toMillis() / width);
            points.add(new double[] {x, y});
            min = Math.min(min, y);
            max = Math.max(max, y);
        }
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT + 14)
                .append("\" role=\"img\" aria-label=\"").append(StatusPage.escape(field)).append(", last hour\">");
        svg.append("<rect width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT).append("\" fill=\"#f4f6f8\"/>");
        if (points.isEmpty()) {
            svg.append("<text x=\"4\" y=\"").append(HEIGHT / 2).append("\" font-size=\"10\">no values in the last hour</text></svg>");
            return svg.toString();
        }
        double span = max - min == 0 ? 1 : max - min;
        svg.append("<polyline class=\"line\" fill=\"none\" stroke=\"#1f6feb\" stroke-width=\"1.5\" points=\"");
        for (double[] p : points) {
            svg.append(String.format(Locale.ROOT, "%.1f,%.1f ", p[0] * WIDTH, HEIGHT - 2 - (p[1] - min) / span * (HEIGHT - 4)));
        }
        svg.append("\"/>");
        String u = unit.isEmpty() ? "" : " " + StatusPage.escape(unit);
        svg.append(String.format(Locale.ROOT, "<text x=\"2\" y=\"%d\" font-size=\"10\">min %s%s · max %s%s · %d values in %s</text>", HEIGHT + 12,
                trim(min), u, trim(max), u, points.size(), StatusPage.age(Duration.between(from, now)).replace(" ago", "")));
        svg.append("</svg>");
        return svg.toString();
    }

    private static String trim(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    private static BigDecimal value(FieldValue v) {
        if (v instanceof FieldValue.NumericValue n) {
            return n.value();
        }
        if (v instanceof FieldValue.IntegerValue i) {
            return BigDecimal.valueOf(i.value());
        }
        return null;
    }
}
