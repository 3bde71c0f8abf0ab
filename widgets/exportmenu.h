#pragma once

#include "chartexporter.h"

#include <QMenu>

#include <functional>

namespace turnstile {

// The Export button's menu of chart views: one "… image/drawing/document/
// data…" entry per format, each asking `choose` for a file with the file
// dialog's filter and the format's suffix. One place for the names and
// filters, so every view offers the same entries in the same words.
class ExportMenu : public QMenu
{
    Q_OBJECT
public:
    using Chooser = std::function<void(const QString &filter, const QString &suffix)>;
    ExportMenu(const QList<ChartExporter::Format> &formats, const Chooser &choose, QWidget *parent);
};

} // namespace turnstile
