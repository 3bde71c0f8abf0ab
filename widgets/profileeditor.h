#pragma once

#include "profiles/profile.h"
#include "profiles/secrets.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

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

public slots:
    void importCloudsYaml(const QString &path = {});
    void importOpenrc(const QString &path = {});
    void importKeystoneConf(const QString &path = {});

signals:
    void importFinished();

private:
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
    QCheckBox *m_plaintext;
    QLabel *m_message;
    QDialogButtonBox *m_buttons;
};

} // namespace turnstile
