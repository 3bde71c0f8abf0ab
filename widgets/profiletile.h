#pragma once

#include <QFrame>
#include <QPersistentModelIndex>

#include <utility>

class QAction;
class QLabel;
class QPushButton;

namespace turnstile {

// One triage tile: a colour bar, the profile name, the key figures and, when
// not green, the one sentence that says why. Reads everything from one row of
// OverviewModel so the tile and the table never disagree.
class ProfileTile : public QFrame
{
    Q_OBJECT
public:
    explicit ProfileTile(const QPersistentModelIndex &row, QWidget *parent = nullptr);
    void refresh();
    QString reasonText() const;
    QString statusName() const;
    // "Retry" after rejected credentials, "Unlock…" when the profile's own
    // account is locked; hidden otherwise.
    QPushButton *authButton() const { return m_authAction; }
    // The tile as plain text for a chat message: name and status, the reason,
    // then every figure, the offending ones marked (context menu "Copy tile
    // as text").
    QString asText() const;
    QAction *copyAsTextAction() const { return m_copyAsText; }

signals:
    void activated(const QString &profile);
    void retryRequested(const QString &profile);
    void unlockRequested(const QString &profile, const QString &userId);

protected:
    void mouseReleaseEvent(class QMouseEvent *e) override;

private:
    // The figures the tile shows: label and OverviewModel column.
    static QList<std::pair<QString, int>> figureRows();

    QPersistentModelIndex m_row;
    QLabel *m_title;
    QLabel *m_subtitle;
    QLabel *m_status;
    QLabel *m_figures;
    QLabel *m_reason;
    QPushButton *m_authAction;
    QAction *m_copyAsText;
};

} // namespace turnstile
