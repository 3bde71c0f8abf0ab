#pragma once

#include "keys/keystatus.h"
#include "profilepage.h"
#include "profiles/profile.h"
#include "util/latestjob.h"

#include <QWidget>

class QCheckBox;
class QLabel;
class QPushButton;
class QTableView;

namespace turnstile {

class GuardedActionDialog;
class KeysModel;
struct ActionResult;

// The Keys page: the Fernet (and credential) key repositories of the
// selected profile's nodes, one row per node and key index, with the
// consistency verdict in red or green and the reason; Rotate opens the
// guarded workflow (KeyRotation). Reading runs on the thread pool through a
// LatestJob, one read at a time; a read for a profile no longer shown is
// dropped.
class KeysPage : public QWidget, public ProfilePage
{
    Q_OBJECT
public:
    explicit KeysPage(QWidget *parent = nullptr);
    ~KeysPage() override;

    void setProfile(const Profile &profile);
    const Profile &profile() const { return m_profile; }
    void selectionChanged(const ProfileSelection &selection) override;
    void reload();

    KeysModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    QLabel *verdictLabel() const { return m_verdict; }
    QPushButton *rotateButton() const { return m_rotate; }
    QCheckBox *asOwnerBox() const { return m_asOwner; }
    QPushButton *refreshButton() const { return m_refresh; }
    GuardedActionDialog *currentDialog() const { return m_dialog; }
    bool isLoading() const { return m_load.isRunning(); }

signals:
    void loaded();
    void dialogOpened();
    void actionRecorded(const turnstile::ActionResult &result);

protected:
    void showEvent(class QShowEvent *e) override;

private:
    void showStatus(const KeyStatus &st);
    void openRotation();
    void updateButtons();

    Profile m_profile;
    KeysModel *m_model;
    QLabel *m_header;
    QLabel *m_verdict;
    QLabel *m_details;
    QTableView *m_view;
    QPushButton *m_refresh;
    QPushButton *m_rotate;
    QCheckBox *m_asOwner;
    // Stale when the profile changes or the page goes: a read still waiting
    // for a slow node then stops at once.
    LatestJob<KeyStatus> m_load{this, LatestJob<KeyStatus>::Policy::OneAtATime};
    bool m_dirty = true;
    GuardedActionDialog *m_dialog = nullptr;
};

} // namespace turnstile
