#pragma once

#include "profilepage.h"
#include "util/latestjob.h"

#include <QWidget>

class QLabel;
class QTableView;
class QTextBrowser;

namespace turnstile {

class AuditLogModel;
struct AuditRead;

// The audit log: every guarded action run from this workstation (GUI or
// turnstilectl), newest first, with the state of the hash chain. Read off the
// GUI thread; a stale read is dropped.
class AuditPage : public QWidget, public ProfilePage
{
    Q_OBJECT
public:
    explicit AuditPage(QWidget *parent = nullptr);

    // "" = every profile.
    void setProfile(const QString &profile);
    QString profile() const { return m_profile; }
    void selectionChanged(const ProfileSelection &selection) override;
    void reload();

    AuditLogModel *model() const { return m_model; }
    QLabel *chainLabel() const { return m_chain; }

signals:
    void loaded();

private:
    void showRead(const AuditRead &r);

    QString m_profile;
    LatestJob<AuditRead> m_read{this};
    AuditLogModel *m_model;
    QTableView *m_view;
    QTextBrowser *m_details;
    QLabel *m_chain;
};

} // namespace turnstile
