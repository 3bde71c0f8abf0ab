#include "exportmenu.h"

namespace turnstile {

ExportMenu::ExportMenu(const QList<ChartExporter::Format> &formats, const Chooser &choose,
                       QWidget *parent)
    : QMenu(parent)
{
    using F = ChartExporter::Format;
    for (const F f : formats) {
        QString entry, filter, suffix;
        switch (f) {
        case F::Png:
            entry = tr("PNG image…");
            filter = tr("PNG image (*.png)");
            suffix = QStringLiteral("png");
            break;
        case F::Svg:
            entry = tr("SVG drawing…");
            filter = tr("SVG drawing (*.svg)");
            suffix = QStringLiteral("svg");
            break;
        case F::Pdf:
            entry = tr("PDF document…");
            filter = tr("PDF document (*.pdf)");
            suffix = QStringLiteral("pdf");
            break;
        case F::Csv:
            entry = tr("CSV data…");
            filter = tr("CSV data (*.csv)");
            suffix = QStringLiteral("csv");
            break;
        case F::Json:
            entry = tr("JSON data…");
            filter = tr("JSON data (*.json)");
            suffix = QStringLiteral("json");
            break;
        }
        addAction(entry, this, [choose, filter, suffix] { choose(filter, suffix); });
    }
}

} // namespace turnstile
