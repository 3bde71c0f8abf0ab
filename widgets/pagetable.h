#pragma once

#include <QList>
#include <QString>
#include <QStringList>

class QWidget;

namespace turnstile {

class OverviewModel;
class ProfilePage;
class SecretStore;

// What the main window's pages are built from.
struct PageContext
{
    SecretStore *secrets = nullptr;
    OverviewModel *overviewModel = nullptr;
};

// A page as built: the widget for the tab, and the same object as the
// ProfilePage the selection is fanned out to.
struct CreatedPage
{
    QWidget *widget = nullptr;
    ProfilePage *page = nullptr;
};

// The one list of the main window's pages, in tab order. The tabs, their
// titles, `turnstile --page`, its help text and its error message, and the
// page the window reopens on all come from it.
struct PageEntry
{
    // The name `turnstile --page` accepts and the settings keep
    // (window/page). Scripts and docs use these: add, never rename.
    const char *id;
    // Untranslated; QT_TRANSLATE_NOOP in the MainWindow context, so the
    // tab titles keep their translations. See title().
    const char *titleSource;
    CreatedPage (*create)(const PageContext &context, QWidget *parent);

    QString title() const;
};

const QList<PageEntry> &pageTable();
// Every id, in tab order.
QStringList pageIds();
// The ids as a sentence's list: "overview, growth, … or audit".
QString pageIdChoice();

} // namespace turnstile
