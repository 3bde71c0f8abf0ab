#pragma once

#include "probe/connectiontest.h"
#include "profiles/profile.h"
#include "profiles/secrets.h"
#include "util/latestjob.h"

#include <QDialog>
#include <QList>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTabWidget;

namespace turnstile {

// Edits one profile and its secrets. Import buttons fill the form from
// clouds.yaml, openrc or keystone.conf; the files are read off the GUI thread.
// Secrets typed here go to the keychain when the caller saves; the form never
// writes them anywhere itself.
class ProfileEditor : public QDialog
{
    Q_OBJECT
public:
    explicit ProfileEditor(QWidget *parent = nullptr);

    void setProfile(const Profile &p, const Secrets &s = {});
    Profile profile() const;
    Secrets secrets() const;
    // The last import's message (warning or error), for tests and the status line.
    QString importMessage() const;
    // The clear-text warning under the auth URL, empty when there is none.
    QString cleartextWarning() const;
    // The Thresholds tab's fields of an override key ("validate.ms",
    // "token.live/day"); null for a key without fields.
    QLineEdit *thresholdField(const QString &key, bool critical) const;
    // Why Save is disabled, empty when it is not.
    QString problem() const;
    // The last connection test, one line per part; empty before the first.
    QStringList connectionTestLines() const;
    QPushButton *testConnectionButton() const { return m_testButton; }

public slots:
    void importCloudsYaml(const QString &path = {});
    void importOpenrc(const QString &path = {});
    void importKeystoneConf(const QString &path = {});
    // Tests the profile as the form shows it (unsaved) on a worker; while
    // one runs, the button cancels it.
    void testConnection();
    void cancelConnectionTest();

signals:
    void importFinished();
    void connectionTested();

private:
    QWidget *createThresholdsPage();
    void showConnectionTest(const ConnectionTest &t);
    void setTesting(bool testing);
    void updateAuthFields();
    void takePasswordFromUrl();
    void validate();
    void showImportMessage(const QString &text, bool error);

    Profile m_base; // fields the form does not show survive an edit
    QLineEdit *m_name;
    QLineEdit *m_authUrl;
    QLabel *m_cleartext; // warns about http:// to another machine
    QComboBox *m_method;
    QLabel *m_methodHint;
    QLineEdit *m_user;
    QLineEdit *m_userDomain;
    QLineEdit *m_project;
    QLineEdit *m_projectDomain;
    QLineEdit *m_appCredId;
    QLineEdit *m_region;
    QLineEdit *m_password;
    QCheckBox *m_verify;
    QLineEdit *m_caCert;
    QLineEdit *m_clientCert;
    QLineEdit *m_clientKey;
    QSpinBox *m_timeout;
    QLineEdit *m_dbUrl;
    QLineEdit *m_dbPassword;
    QPlainTextEdit *m_keyRepos;
    QLineEdit *m_memcached;
    QLineEdit *m_keystoneConf;
    QCheckBox *m_readOnly;
    QCheckBox *m_production;
    QCheckBox *m_galeraSingleWriter;
    QCheckBox *m_plaintext;
    QLabel *m_message;
    QDialogButtonBox *m_buttons;
    QTabWidget *m_tabs;
    // One row of the Thresholds tab: an override key and its two levels.
    struct ThresholdRow
    {
        QString key;
        QLineEdit *warn;
        QLineEdit *critical;
    };
    QList<ThresholdRow> m_thresholds;
    QLabel *m_thresholdProblem;
    QPushButton *m_testButton;
    QLabel *m_testResult;
    // Only the newest test counts: a second click, Cancel or closing the
    // dialog drops the running one's result.
    LatestJob<ConnectionTest> m_connectionTest{this};
};

} // namespace turnstile
