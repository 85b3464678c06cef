import Foundation
import Geography

/// Escapes text for XML/HTML content and attribute values.
func xmlEscape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default:
            // Characters XML 1.0 forbids (most C0 controls, U+FFFE/FFFF) are dropped, not escaped.
            let value = scalar.value
            if value < 0x20 && value != 0x09 && value != 0x0A && value != 0x0D { continue }
            if value == 0xFFFE || value == 0xFFFF { continue }
            out.unicodeScalars.append(scalar)
        }
    }
    return out
}

/// Draws charts and the map as standalone SVG documents (inline in HTML, embedded in ODT).
enum SVGRenderer {
    /// Sequential palette (light → dark blue), readable in greyscale print.
    static let palette = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]
    /// Categorical colours for stacked/paired series.
    static let seriesColours = ["#1b7837", "#7fbf7b", "#2166ac", "#b2182b", "#999999", "#762a83"]

    static func number(_ value: Double) -> String { String(format: "%.1f", value) }

    // MARK: - Map

    static func map(
        _ spec: MapSpec, geometry: MunicipalityGeometry, directory: AuthorityDirectory, style: NumberStyle
    ) -> String {
        let width = 560.0
        let box = geometry.boundingBox
        // Equirectangular projection with longitudes scaled by cos(56°), Denmark's middle latitude.
        let xScale = cos(56.0 * .pi / 180)
        let spanX = (box.maxLongitude - box.minLongitude) * xScale
        let spanY = box.maxLatitude - box.minLatitude
        let scale = width / spanX
        let mapHeight = spanY * scale
        let legendHeight = Double(spec.legend.count + 1) * 20 + 30
        let height = mapHeight + legendHeight
        func point(_ p: GeoPoint) -> String {
            number((p.longitude - box.minLongitude) * xScale * scale) + ","
                + number((box.maxLatitude - p.latitude) * scale)
        }
        func path(_ rings: [[GeoPoint]]) -> String {
            rings.map { ring in "M" + ring.map(point).joined(separator: "L") + "Z" }.joined()
        }
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(number(width)) \(number(height))" \
            width="\(number(width))" height="\(number(height))" role="img" aria-labelledby="map-title" \
            font-family="Liberation Sans, Arial, Helvetica, sans-serif">
            <title id="map-title">\(xmlEscape(spec.title))</title>
            <defs><pattern id="nodata" patternUnits="userSpaceOnUse" width="6" height="6" \
            patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>\
            <line x1="0" y1="0" x2="0" y2="6" stroke="#888888" stroke-width="2"/></pattern></defs>

            """
        let names = Dictionary(uniqueKeysWithValues: directory.municipalities.map { ($0.code, $0.name) })
        for code in geometry.polygons.keys.sorted() {
            // No entry: outside the report's scope (plain grey); an entry without a value: no data (hatched).
            let entry = spec.values[code]
            let value = entry ?? nil
            var fill = "#e6e6e6"
            if entry != nil {
                fill =
                    value.map { palette[min(classIndex($0, breaks: spec.breaks), palette.count - 1)] } ?? "url(#nodata)"
            }
            let label =
                (names[code] ?? String(code)) + ": "
                + (value.map { spec.isShare ? style.percent($0) : style.integer(Int($0)) } ?? spec.noDataLabel)
            svg += "<path d=\"\(geometry.polygons[code]!.map(path).joined())\" fill=\"\(fill)\" "
            svg += "stroke=\"#ffffff\" stroke-width=\"0.4\"><title>\(xmlEscape(label))</title></path>\n"
        }
        // Region outlines: the segments of a region's municipalities that no neighbour in the region shares.
        for region in directory.regions {
            var count: [String: (GeoPoint, GeoPoint, Int)] = [:]
            for municipality in directory.municipalities(inRegion: region.code) {
                for polygon in geometry.polygons[municipality.code] ?? [] {
                    for ring in polygon {
                        for (a, b) in zip(ring, ring.dropFirst()) {
                            let keyA = "\(a.longitude),\(a.latitude)"
                            let keyB = "\(b.longitude),\(b.latitude)"
                            let key = keyA < keyB ? keyA + "|" + keyB : keyB + "|" + keyA
                            count[key, default: (a, b, 0)].2 += 1
                        }
                    }
                }
            }
            let segments = count.values.filter { $0.2 == 1 }.map { "M" + point($0.0) + "L" + point($0.1) }
            svg += "<path d=\"\(segments.sorted().joined())\" fill=\"none\" stroke=\"#222222\" stroke-width=\"1.2\">"
            svg += "<title>\(xmlEscape(region.name))</title></path>\n"
        }
        // Legend.
        var y = mapHeight + 20
        svg +=
            "<text x=\"0\" y=\"\(number(y))\" font-size=\"12\" font-weight=\"bold\">\(xmlEscape(spec.title))</text>\n"
        for (index, label) in spec.legend.enumerated() {
            y += 20
            svg +=
                "<rect x=\"0\" y=\"\(number(y - 12))\" width=\"18\" height=\"14\" fill=\"\(palette[min(index, palette.count - 1)])\" stroke=\"#666666\"/>"
            svg += "<text x=\"26\" y=\"\(number(y))\" font-size=\"12\">\(xmlEscape(label))</text>\n"
        }
        y += 20
        svg +=
            "<rect x=\"0\" y=\"\(number(y - 12))\" width=\"18\" height=\"14\" fill=\"url(#nodata)\" stroke=\"#666666\"/>"
        svg += "<text x=\"26\" y=\"\(number(y))\" font-size=\"12\">\(xmlEscape(spec.noDataLabel))</text>\n"
        svg +=
            "<text x=\"\(number(width))\" y=\"\(number(height - 4))\" font-size=\"9\" text-anchor=\"end\" fill=\"#555555\">"
        svg += "\(xmlEscape(spec.attribution))</text>\n</svg>"
        return svg
    }

    static func classIndex(_ value: Double, breaks: [Double]) -> Int {
        breaks.filter { value >= $0 }.count
    }

    // MARK: - Charts

    static func chart(_ chart: Chart, style: NumberStyle) -> String {
        switch chart.kind {
        case .bars: bars(chart, style: style)
        case .stacked: stacked(chart, style: style)
        case .paired: paired(chart, style: style)
        }
    }

    private static func header(_ title: String, width: Double, height: Double, id: String) -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(number(width)) \(number(height))" \
        width="\(number(width))" height="\(number(height))" role="img" aria-labelledby="\(id)" \
        font-family="Liberation Sans, Arial, Helvetica, sans-serif">
        <title id="\(id)">\(xmlEscape(title))</title>
        <text x="0" y="16" font-size="13" font-weight="bold">\(xmlEscape(title))</text>

        """
    }

    private static func chartID(_ title: String) -> String {
        "chart-" + String(title.unicodeScalars.reduce(UInt32(5381)) { ($0 &* 33) &+ $1.value }, radix: 16)
    }

    static func bars(_ chart: Chart, style: NumberStyle) -> String {
        let values = chart.series.first?.values ?? []
        let labelWidth = 200.0
        let barArea = 300.0
        let rowHeight = 22.0
        let height = 30 + Double(values.count) * rowHeight + 10
        let maximum = max(values.max() ?? 1, 1)
        var svg = header(chart.title, width: labelWidth + barArea + 80, height: height, id: chartID(chart.title))
        for (index, value) in values.enumerated() {
            let y = 30 + Double(index) * rowHeight
            let length = value / maximum * barArea
            let label = chart.categories[index]
            let shown = label.count > 30 ? String(label.prefix(29)) + "…" : label
            svg += "<text x=\"\(number(labelWidth - 6))\" y=\"\(number(y + 14))\" font-size=\"12\" text-anchor=\"end\">"
            svg += "\(xmlEscape(shown))</text>"
            svg += "<rect x=\"\(number(labelWidth))\" y=\"\(number(y + 3))\" width=\"\(number(length))\" height=\"15\" "
            svg += "fill=\"#3182bd\"><title>\(xmlEscape(label)): \(style.integer(Int(value)))</title></rect>"
            svg += "<text x=\"\(number(labelWidth + length + 4))\" y=\"\(number(y + 14))\" font-size=\"12\">"
            svg += "\(style.integer(Int(value)))</text>\n"
        }
        return svg + "</svg>"
    }

    static func stacked(_ chart: Chart, style: NumberStyle) -> String {
        let width = 560.0
        let total = chart.series.reduce(0) { $0 + ($1.values.first ?? 0) }
        let height = 30 + 30 + Double(chart.series.count) * 18 + 10
        var svg = header(chart.title, width: width, height: height, id: chartID(chart.title))
        var x = 0.0
        for (index, part) in chart.series.enumerated() {
            let value = part.values.first ?? 0
            let length = total > 0 ? value / total * width : 0
            let colour = seriesColours[index % seriesColours.count]
            svg += "<rect x=\"\(number(x))\" y=\"28\" width=\"\(number(length))\" height=\"24\" fill=\"\(colour)\">"
            svg += "<title>\(xmlEscape(part.name)): \(style.integer(Int(value)))</title></rect>\n"
            x += length
        }
        for (index, part) in chart.series.enumerated() {
            let value = part.values.first ?? 0
            let y = 60 + Double(index) * 18
            let colour = seriesColours[index % seriesColours.count]
            svg += "<rect x=\"0\" y=\"\(number(y))\" width=\"12\" height=\"12\" fill=\"\(colour)\"/>"
            let share = total > 0 ? style.percent(value / total) : ""
            svg += "<text x=\"18\" y=\"\(number(y + 11))\" font-size=\"12\">\(xmlEscape(part.name)): "
            svg += "\(style.integer(Int(value))) (\(share))</text>\n"
        }
        return svg + "</svg>"
    }

    static func paired(_ chart: Chart, style: NumberStyle) -> String {
        let groupWidth = 140.0
        let chartHeight = 160.0
        let width = max(Double(chart.categories.count) * groupWidth + 20, 300)
        let height = 30 + chartHeight + 60
        let maximum = max(chart.series.flatMap(\.values).max() ?? 1, 1)
        var svg = header(chart.title, width: width, height: height, id: chartID(chart.title))
        for (group, category) in chart.categories.enumerated() {
            for (index, series) in chart.series.enumerated() {
                let value = series.values[group]
                let barHeight = value / maximum * chartHeight
                let x = 10 + Double(group) * groupWidth + Double(index) * 44
                let y = 30 + chartHeight - barHeight
                let colour = seriesColours[(index + 2) % seriesColours.count]
                svg += "<rect x=\"\(number(x))\" y=\"\(number(y))\" width=\"40\" height=\"\(number(barHeight))\" "
                svg += "fill=\"\(colour)\"><title>\(xmlEscape(category)) \(xmlEscape(series.name)): "
                svg += "\(style.integer(Int(value)))</title></rect>"
                svg += "<text x=\"\(number(x + 20))\" y=\"\(number(y - 3))\" font-size=\"11\" text-anchor=\"middle\">"
                svg += "\(style.integer(Int(value)))</text>\n"
            }
            svg += "<text x=\"\(number(10 + Double(group) * groupWidth + 42))\" y=\"\(number(30 + chartHeight + 16))\" "
            svg += "font-size=\"12\" text-anchor=\"middle\">\(xmlEscape(category))</text>\n"
        }
        for (index, series) in chart.series.enumerated() {
            let x = 10 + Double(index) * 120
            let colour = seriesColours[(index + 2) % seriesColours.count]
            svg +=
                "<rect x=\"\(number(x))\" y=\"\(number(height - 22))\" width=\"12\" height=\"12\" fill=\"\(colour)\"/>"
            svg += "<text x=\"\(number(x + 16))\" y=\"\(number(height - 12))\" font-size=\"12\">"
            svg += "\(xmlEscape(series.name))</text>\n"
        }
        return svg + "</svg>"
    }
}
