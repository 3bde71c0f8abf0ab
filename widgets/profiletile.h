#pragma once

#include <QFrame>
#include <QPersistentModelIndex>

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

signals:
    void activated(const QString &profile);
    void retryRequested(const QString &profile);
    void unlockRequested(const QString &profile, const QString &userId);

protected:
    void mouseReleaseEvent(class QMouseEvent *e) override;

private:
    QPersistentModelIndex m_row;
    QLabel *m_title;
    QLabel *m_subtitle;
    QLabel *m_status;
    QLabel *m_figures;
    QLabel *m_reason;
    QPushButton *m_authAction;
};

} // namespace turnstile
