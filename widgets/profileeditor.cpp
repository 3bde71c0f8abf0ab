#include "profileeditor.h"
#include "util/iopool.h"
#include "util/whenfinished.h"

#include "db/databaseurl.h"
#include "health/thresholdoverrides.h"
#include "history/metricnames.h"
#include "profiles/profileimporter.h"
#include "profiles/profilemerge.h"
#include "profiles/profilestore.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QFuture>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QtConcurrent/QtConcurrentRun>
#include <QVBoxLayout>

namespace turnstile {

ProfileEditor::ProfileEditor(QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("Connection profile"));
    auto *outer = new QVBoxLayout(this);

    auto *imports = new QHBoxLayout();
    imports->addWidget(new QLabel(tr("Import from:"), this));
    auto *fromClouds = new QPushButton(tr("clouds.yaml…"), this);
    auto *fromOpenrc = new QPushButton(tr("openrc…"), this);
    auto *fromConf = new QPushButton(tr("keystone.conf…"), this);
    fromConf->setToolTip(tr(
        "Adds the database, the Fernet key repository and memcached servers of a Keystone node."));
    imports->addWidget(fromClouds);
    imports->addWidget(fromOpenrc);
    imports->addWidget(fromConf);
    imports->addStretch(1);
    outer->addLayout(imports);
    connect(fromClouds, &QPushButton::clicked, this, [this] { importCloudsYaml(); });
    connect(fromOpenrc, &QPushButton::clicked, this, [this] { importOpenrc(); });
    connect(fromConf, &QPushButton::clicked, this, [this] { importKeystoneConf(); });

    auto *identity = new QGroupBox(tr("Identity endpoint"), this);
    auto *f = new QFormLayout(identity);
    m_name = new QLineEdit(identity);
    m_authUrl = new QLineEdit(identity);
    m_authUrl->setPlaceholderText(QStringLiteral("https://keystone.example.com:5000/v3"));
    m_method = new QComboBox(identity);
    m_method->addItem(tr("Application credential (recommended)"),
                      int(AuthMethod::ApplicationCredential));
    m_method->addItem(tr("Password"), int(AuthMethod::Password));
    m_method->addItem(tr("Token"), int(AuthMethod::Token));
    m_methodHint =
        new QLabel(tr("Application credentials suit a monitoring tool: they are revocable, can be "
                      "restricted with access rules and never expose a person's password."),
                   identity);
    m_methodHint->setWordWrap(true);
    m_user = new QLineEdit(identity);
    m_userDomain = new QLineEdit(identity);
    m_project = new QLineEdit(identity);
    m_projectDomain = new QLineEdit(identity);
    m_appCredId = new QLineEdit(identity);
    m_region = new QLineEdit(identity);
    m_password = new QLineEdit(identity);
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(tr("stored in the system keychain"));
    f->addRow(tr("Name"), m_name);
    f->addRow(tr("Auth URL"), m_authUrl);
    m_cleartext = new QLabel(identity);
    m_cleartext->setWordWrap(true);
    m_cleartext->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_cleartext->setVisible(false);
    f->addRow(QString(), m_cleartext);
    f->addRow(tr("Authentication"), m_method);
    f->addRow(QString(), m_methodHint);
    f->addRow(tr("User"), m_user);
    f->addRow(tr("User domain"), m_userDomain);
    f->addRow(tr("Project"), m_project);
    f->addRow(tr("Project domain"), m_projectDomain);
    f->addRow(tr("Application credential ID"), m_appCredId);
    f->addRow(tr("Secret"), m_password);
    f->addRow(tr("Region"), m_region);

    auto *tls = new QGroupBox(tr("TLS"), this);
    auto *t = new QFormLayout(tls);
    m_verify = new QCheckBox(tr("Verify the server certificate"), tls);
    m_caCert = new QLineEdit(tls);
    m_caCert->setPlaceholderText(tr("system CA bundle"));
    m_clientCert = new QLineEdit(tls);
    m_clientKey = new QLineEdit(tls);
    m_timeout = new QSpinBox(tls);
    m_timeout->setRange(1, 600);
    m_timeout->setSuffix(tr(" s"));
    t->addRow(m_verify);
    t->addRow(tr("CA bundle"), m_caCert);
    t->addRow(tr("Client certificate"), m_clientCert);
    t->addRow(tr("Client key"), m_clientKey);
    t->addRow(tr("Timeout"), m_timeout);

    auto *db = new QGroupBox(tr("Keystone nodes and database (optional)"), this);
    auto *d = new QFormLayout(db);
    m_dbUrl = new QLineEdit(db);
    m_dbUrl->setPlaceholderText(QStringLiteral("mysql+pymysql://keystone@db1:3306/keystone"));
    m_dbPassword = new QLineEdit(db);
    m_dbPassword->setEchoMode(QLineEdit::Password);
    m_dbPassword->setPlaceholderText(tr("stored in the system keychain"));
    m_keyRepos = new QPlainTextEdit(db);
    m_keyRepos->setPlaceholderText(tr("one per Keystone node: /etc/keystone/fernet-keys or "
                                      "ssh://node1/etc/keystone/fernet-keys"));
    m_keyRepos->setMaximumHeight(60);
    m_memcached = new QLineEdit(db);
    m_memcached->setPlaceholderText(QStringLiteral("10.0.0.5:11211, 10.0.0.6:11211"));
    m_keystoneConf = new QLineEdit(db);
    m_readOnly =
        new QCheckBox(tr("Read-only: never run a guarded action against this profile"), db);
    m_production = new QCheckBox(tr("Production: benchmarks ask for a typed confirmation"), db);
    m_galeraSingleWriter = new QCheckBox(tr("Galera: Keystone writes through this node only"), db);
    m_galeraSingleWriter->setToolTip(
        tr("Tick only when every Keystone write goes to the node of the database URL (one "
           "writer, e.g. HAProxy with the other nodes as backups). Then the token purge may copy "
           "and swap on this Galera cluster; its triggers would miss writes made through another "
           "node."));
    d->addRow(tr("Database URL"), m_dbUrl);
    d->addRow(tr("Database password"), m_dbPassword);
    d->addRow(tr("Key repositories"), m_keyRepos);
    d->addRow(tr("memcached servers"), m_memcached);
    d->addRow(tr("keystone.conf"), m_keystoneConf);
    m_plaintext = new QCheckBox(
        tr("If no keychain is available, store this profile's secrets in plain text"), db);
    m_plaintext->setToolTip(
        tr("Not recommended: the file is readable by anyone who can read your home directory's "
           "backups."));
    d->addRow(m_readOnly);
    d->addRow(m_production);
    d->addRow(m_galeraSingleWriter);
    d->addRow(m_plaintext);

    auto *connection = new QWidget(this);
    auto *columns = new QHBoxLayout(connection);
    columns->setContentsMargins(0, 0, 0, 0);
    identity->setParent(connection);
    tls->setParent(connection);
    db->setParent(connection);
    columns->addWidget(identity, 1);
    auto *right = new QVBoxLayout();
    right->addWidget(tls);
    right->addWidget(db);
    columns->addLayout(right, 1);
    m_tabs = new QTabWidget(this);
    m_tabs->addTab(connection, tr("Connection"));
    m_tabs->addTab(createThresholdsPage(), tr("Thresholds"));
    outer->addWidget(m_tabs);

    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    m_message->setVisible(false);
    outer->addWidget(m_message);
    m_testResult = new QLabel(this);
    m_testResult->setWordWrap(true);
    m_testResult->setTextFormat(Qt::PlainText);
    m_testResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_testResult->setVisible(false);
    outer->addWidget(m_testResult);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    m_testButton = m_buttons->addButton(tr("&Test connection"), QDialogButtonBox::ActionRole);
    m_testButton->setToolTip(tr("Log in to Keystone, open the database and read the key "
                                "repositories with the settings above, without saving them"));
    connect(m_testButton, &QPushButton::clicked, this, [this] {
        if (m_connectionTest.isRunning() && m_testButton->property("testing").toBool())
            cancelConnectionTest();
        else
            testConnection();
    });
    outer->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    connect(m_method, &QComboBox::currentIndexChanged, this, &ProfileEditor::updateAuthFields);
    connect(m_plaintext, &QCheckBox::toggled, this, [this](bool on) {
        if (on)
            showImportMessage(
                tr("Warning: when no keychain is available, this profile's secrets will be written "
                   "unencrypted to a file only you can read."),
                true);
    });
    connect(m_verify, &QCheckBox::toggled, this, [this](bool on) {
        if (!on)
            showImportMessage(
                tr("TLS verification is off for this profile: anyone on the path can read its "
                   "credentials."),
                true);
    });
    for (QLineEdit *e : {m_name, m_authUrl, m_dbUrl})
        connect(e, &QLineEdit::textChanged, this, &ProfileEditor::validate);
    // A password pasted inside the URL moves to the password field (and so to
    // the keychain) as soon as the URL is left; it is never saved in the URL.
    connect(m_dbUrl, &QLineEdit::editingFinished, this, &ProfileEditor::takePasswordFromUrl);
    setProfile(Profile{});
}

void ProfileEditor::setProfile(const Profile &p, const Secrets &s)
{
    m_base = p;
    m_name->setText(p.name);
    m_authUrl->setText(p.authUrl.toString());
    m_method->setCurrentIndex(m_method->findData(int(p.authMethod)));
    m_user->setText(p.userId.isEmpty() ? p.username : p.userId);
    m_userDomain->setText(p.userDomainName.isEmpty() ? p.userDomainId : p.userDomainName);
    m_project->setText(p.projectId.isEmpty() ? p.projectName : p.projectId);
    m_projectDomain->setText(p.projectDomainName.isEmpty() ? p.projectDomainId
                                                           : p.projectDomainName);
    m_appCredId->setText(p.applicationCredentialId);
    m_region->setText(p.regionName);
    m_verify->setChecked(p.verifyTls);
    m_caCert->setText(p.caCertFile);
    m_clientCert->setText(p.clientCertFile);
    m_clientKey->setText(p.clientKeyFile);
    m_timeout->setValue(std::max(1, p.timeoutMs / 1000));
    // A file not yet migrated may still hold the password in the URL: it is
    // shown in the password field (masked), never in the URL.
    QString urlPassword;
    m_dbUrl->setText(DatabaseUrl::stripPassword(p.databaseUrl, &urlPassword));
    m_keyRepos->setPlainText(p.keyRepositories.join(u'\n'));
    m_memcached->setText(p.memcachedServers.join(QStringLiteral(", ")));
    m_keystoneConf->setText(p.keystoneConfPath);
    m_readOnly->setChecked(p.readOnly);
    m_production->setChecked(p.production);
    m_galeraSingleWriter->setChecked(p.galeraSingleWriter);
    m_plaintext->setChecked(p.allowPlaintextSecrets);
    m_password->setText(p.authMethod == AuthMethod::ApplicationCredential
                            ? s.applicationCredentialSecret
                        : p.authMethod == AuthMethod::Token ? s.token
                                                            : s.password);
    m_dbPassword->setText(s.databasePassword.isEmpty() ? urlPassword : s.databasePassword);
    for (const ThresholdRow &row : std::as_const(m_thresholds)) {
        const ThresholdLevels l = ThresholdLevels::fromJson(p.thresholds.value(row.key).toObject());
        row.warn->setText(l.warn ? formatThresholdLevel(*l.warn) : QString());
        row.critical->setText(l.critical ? formatThresholdLevel(*l.critical) : QString());
    }
    updateAuthFields();
    validate();
}

Profile ProfileEditor::profile() const
{
    Profile p = m_base;
    p.name = m_name->text().trimmed();
    p.authUrl = QUrl(m_authUrl->text().trimmed());
    p.authMethod = AuthMethod(m_method->currentData().toInt());
    // Free-text fields keep whichever of name/id the profile already used.
    if (!m_base.userId.isEmpty() && m_base.username.isEmpty())
        p.userId = m_user->text().trimmed();
    else
        p.username = m_user->text().trimmed();
    p.userDomainName = m_userDomain->text().trimmed();
    if (!m_base.projectId.isEmpty() && m_base.projectName.isEmpty())
        p.projectId = m_project->text().trimmed();
    else
        p.projectName = m_project->text().trimmed();
    p.projectDomainName = m_projectDomain->text().trimmed();
    p.applicationCredentialId = m_appCredId->text().trimmed();
    p.regionName = m_region->text().trimmed();
    p.verifyTls = m_verify->isChecked();
    p.caCertFile = m_caCert->text().trimmed();
    p.clientCertFile = m_clientCert->text().trimmed();
    p.clientKeyFile = m_clientKey->text().trimmed();
    p.timeoutMs = m_timeout->value() * 1000;
    p.databaseUrl = DatabaseUrl::stripPassword(m_dbUrl->text().trimmed());
    QStringList repos;
    for (const QString &line : m_keyRepos->toPlainText().split(u'\n'))
        if (!line.trimmed().isEmpty())
            repos.append(line.trimmed());
    p.keyRepositories = repos;
    QStringList mc;
    for (const QString &s : m_memcached->text().split(u','))
        if (!s.trimmed().isEmpty())
            mc.append(s.trimmed());
    p.memcachedServers = mc;
    p.keystoneConfPath = m_keystoneConf->text().trimmed();
    p.readOnly = m_readOnly->isChecked();
    p.production = m_production->isChecked();
    p.galeraSingleWriter = m_galeraSingleWriter->isChecked();
    p.allowPlaintextSecrets = m_plaintext->isChecked();
    // Keys the tab has no row for (a hand-written one) are kept as they were.
    for (const ThresholdRow &row : m_thresholds) {
        const auto levels = parseThresholdLevels(row.key, row.warn->text(), row.critical->text());
        if (!levels)
            continue; // Save is disabled; the stored levels stay
        if (levels->isEmpty())
            p.thresholds.remove(row.key);
        else
            p.thresholds.insert(row.key, levels->toJson());
    }
    return p;
}

QWidget *ProfileEditor::createThresholdsPage()
{
    auto *page = new QWidget(this);
    auto *v = new QVBoxLayout(page);
    auto *intro = new QLabel(
        tr("A tile turns amber at the warning level and red at the critical one. Leave a field "
           "empty for the default shown in it; write numbers with a '.', like 0.5."),
        page);
    intro->setWordWrap(true);
    v->addWidget(intro);
    auto *grid = new QGridLayout();
    grid->addWidget(new QLabel(tr("<b>Figure</b>"), page), 0, 0);
    grid->addWidget(new QLabel(tr("<b>Warning</b>"), page), 0, 1);
    grid->addWidget(new QLabel(tr("<b>Critical</b>"), page), 0, 2);
    int line = 1;
    for (const ThresholdRule &r : defaultThresholds()) {
        // "Keystone does not answer" has no level to choose.
        if (r.metric == u"keystone.up")
            continue;
        const QString key = thresholdKey(r);
        auto *label = new QLabel(thresholdLabel(r), page);
        const QString description = metricDescription(r.metric);
        label->setToolTip(description.isEmpty() ? key : description + QStringLiteral("\n\n") + key);
        const QString direction = r.kind == ThresholdRule::Kind::Below ? tr("below") : tr("above");
        auto field = [&](double defaultLevel, const char *which) {
            auto *e = new QLineEdit(page);
            e->setObjectName(QStringLiteral("threshold:%1:%2").arg(key, QLatin1String(which)));
            e->setPlaceholderText(formatThresholdLevel(defaultLevel));
            e->setToolTip(
                tr("Default: %1 %2 (%3)")
                    .arg(direction, formatThresholdLevel(defaultLevel), thresholdUnit(r)));
            e->setMaximumWidth(140);
            connect(e, &QLineEdit::textChanged, this, &ProfileEditor::validate);
            return e;
        };
        ThresholdRow row{key, field(r.warn, "warn"), field(r.critical, "critical")};
        grid->addWidget(label, line, 0);
        grid->addWidget(row.warn, line, 1);
        grid->addWidget(row.critical, line, 2);
        grid->addWidget(new QLabel(thresholdUnit(r), page), line, 3);
        m_thresholds.append(row);
        ++line;
    }
    grid->setColumnStretch(0, 1);
    v->addLayout(grid);
    m_thresholdProblem = new QLabel(page);
    m_thresholdProblem->setWordWrap(true);
    m_thresholdProblem->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_thresholdProblem->setVisible(false);
    v->addWidget(m_thresholdProblem);
    v->addStretch(1);
    return page;
}

QLineEdit *ProfileEditor::thresholdField(const QString &key, bool critical) const
{
    for (const ThresholdRow &row : m_thresholds)
        if (row.key == key)
            return critical ? row.critical : row.warn;
    return nullptr;
}

QString ProfileEditor::problem() const
{
    return m_buttons->button(QDialogButtonBox::Save)->toolTip();
}

QStringList ProfileEditor::connectionTestLines() const
{
    return m_testResult->text().isEmpty() ? QStringList() : m_testResult->text().split(u'\n');
}

void ProfileEditor::testConnection()
{
    const Profile p = profile();
    const Secrets s = secrets();
    setTesting(true);
    m_testResult->setStyleSheet(QString());
    m_testResult->setText(tr("Testing the connection to %1…").arg(p.authUrl.toString()));
    m_testResult->setVisible(true);
    // Values only: the test may outlive the dialog (a 15 s timeout), and
    // its result is then dropped.
    m_connectionTest.start(
        [p, s](const LatestJob<ConnectionTest>::Stale &stale) {
            return turnstile::testConnection(p, s, stale);
        },
        [this](const ConnectionTest &t) {
            setTesting(false);
            showConnectionTest(t);
            emit connectionTested();
        });
}

void ProfileEditor::cancelConnectionTest()
{
    m_connectionTest.cancel();
    setTesting(false);
    m_testResult->setText(tr("Connection test cancelled."));
}

void ProfileEditor::setTesting(bool testing)
{
    m_testButton->setProperty("testing", testing);
    m_testButton->setText(testing ? tr("Cancel &test") : tr("&Test connection"));
}

void ProfileEditor::showConnectionTest(const ConnectionTest &t)
{
    QStringList lines;
    for (const ConnectionTest::Line &l : t.lines) {
        // A mark a glance finds, then the part's one sentence.
        const QString mark = l.state == ConnectionTest::State::Ok       ? QStringLiteral("✓")
                             : l.state == ConnectionTest::State::Failed ? QStringLiteral("✗")
                                                                        : QStringLiteral("–");
        lines.append(mark + u' ' + l.sentence);
    }
    m_testResult->setText(lines.join(u'\n'));
    m_testResult->setStyleSheet(t.ok() ? QString() : QStringLiteral("color: #c62828;"));
}

Secrets ProfileEditor::secrets() const
{
    Secrets s;
    switch (AuthMethod(m_method->currentData().toInt())) {
    case AuthMethod::ApplicationCredential:
        s.applicationCredentialSecret = m_password->text();
        break;
    case AuthMethod::Token:
        s.token = m_password->text();
        break;
    case AuthMethod::Password:
        s.password = m_password->text();
        break;
    }
    s.databasePassword = m_dbPassword->text();
    QString inUrl;
    DatabaseUrl::stripPassword(m_dbUrl->text().trimmed(), &inUrl);
    if (!inUrl.isEmpty())
        s.databasePassword = inUrl; // typed last, and not yet moved to the field
    return s;
}

QString ProfileEditor::importMessage() const
{
    return m_message->text();
}

QString ProfileEditor::cleartextWarning() const
{
    return m_cleartext->text();
}

void ProfileEditor::updateAuthFields()
{
    const auto m = AuthMethod(m_method->currentData().toInt());
    m_appCredId->setEnabled(m == AuthMethod::ApplicationCredential);
    m_project->setEnabled(m != AuthMethod::ApplicationCredential);
    m_projectDomain->setEnabled(m != AuthMethod::ApplicationCredential);
    m_methodHint->setVisible(m != AuthMethod::ApplicationCredential);
}

void ProfileEditor::takePasswordFromUrl()
{
    QString password;
    const QString stripped = DatabaseUrl::stripPassword(m_dbUrl->text().trimmed(), &password);
    if (password.isEmpty())
        return;
    m_dbUrl->setText(stripped);
    m_dbPassword->setText(password);
    showImportMessage(tr("The password in the database URL was moved to the database password "
                         "field; it is stored in the keychain, not in the URL."),
                      false);
}

void ProfileEditor::validate()
{
    // Said while typing, not only on save: an http:// endpoint on another
    // machine receives the password or secret in clear text.
    const QString cleartext = Profile::cleartextWarning(QUrl(m_authUrl->text().trimmed()));
    m_cleartext->setText(cleartext);
    m_cleartext->setVisible(!cleartext.isEmpty());
    QString problem;
    const QUrl url(m_authUrl->text().trimmed());
    if (!ProfileStore::isValidName(m_name->text().trimmed()))
        problem = tr("The name may use letters, digits, '.', '_' and '-'.");
    else if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https") ||
             url.host().isEmpty())
        problem = tr("The auth URL must be an http:// or https:// URL.");
    else if (!m_dbUrl->text().trimmed().isEmpty()) {
        QString err;
        if (!DatabaseUrl::parse(m_dbUrl->text(), &err).isValid())
            problem = err;
    }
    // The levels through the parser `turnstilectl thresholds --set` uses.
    QString thresholdProblem;
    for (const ThresholdRow &row : std::as_const(m_thresholds))
        if (!parseThresholdLevels(row.key, row.warn->text(), row.critical->text(),
                                  &thresholdProblem))
            break;
    m_thresholdProblem->setText(thresholdProblem);
    m_thresholdProblem->setVisible(!thresholdProblem.isEmpty());
    if (problem.isEmpty())
        problem = thresholdProblem;
    m_buttons->button(QDialogButtonBox::Save)->setEnabled(problem.isEmpty());
    m_buttons->button(QDialogButtonBox::Save)->setToolTip(problem);
}

void ProfileEditor::showImportMessage(const QString &text, bool error)
{
    m_message->setText(text);
    m_message->setStyleSheet(error ? QStringLiteral("color: #c62828;") : QString());
    m_message->setVisible(!text.isEmpty());
}

void ProfileEditor::importCloudsYaml(const QString &given)
{
    QString path = given;
    if (path.isEmpty())
        path = QFileDialog::getOpenFileName(this, tr("Import clouds.yaml"), QString(),
                                            tr("clouds.yaml (*.yaml *.yml *.json);;All files (*)"));
    if (path.isEmpty())
        return;
    whenFinished(
        this,
        QtConcurrent::run(ioPool(),
                          [path] { return turnstile::importCloudsYaml(path, QString()); }),
        [this](const ImportResult &r) {
            if (r.clouds.isEmpty()) {
                showImportMessage(r.error, true);
                emit importFinished();
                return;
            }
            int pick = 0;
            if (r.clouds.size() > 1) {
                QStringList names;
                for (const ImportedCloud &c : r.clouds)
                    names.append(c.profile.name);
                bool ok = false;
                const QString chosen = QInputDialog::getItem(
                    this, tr("Choose a cloud"),
                    tr("This file describes several clouds and regions:"), names, 0, false, &ok);
                if (!ok) {
                    emit importFinished();
                    return;
                }
                pick = int(names.indexOf(chosen));
            }
            const ImportedCloud &c = r.clouds.at(pick);
            Profile merged = overlayIdentity(profile(), c.profile);
            if (m_name->text().trimmed().isEmpty())
                merged.name = c.profile.name;
            Secrets s = secrets();
            for (SecretKind k :
                 {SecretKind::Password, SecretKind::ApplicationCredentialSecret, SecretKind::Token})
                s.set(k, c.secrets.get(k));
            setProfile(merged, s);
            showImportMessage(
                r.warnings.isEmpty()
                    ? tr("Imported cloud %1 from %2.").arg(c.profile.name, r.sourceFile)
                    : r.warnings.join(u'\n'),
                false);
            emit importFinished();
        });
}

void ProfileEditor::importOpenrc(const QString &given)
{
    QString path = given;
    if (path.isEmpty())
        path = QFileDialog::getOpenFileName(this, tr("Import openrc"));
    if (path.isEmpty())
        return;
    whenFinished(
        this, QtConcurrent::run(ioPool(), [path] { return turnstile::importOpenrc(path); }),
        [this](const ImportResult &r) {
            if (r.clouds.isEmpty()) {
                showImportMessage(r.error, true);
            } else {
                const ImportedCloud &c = r.clouds.first();
                Profile merged = overlayIdentity(profile(), c.profile);
                if (m_name->text().trimmed().isEmpty())
                    merged.name = c.profile.name;
                Secrets s = secrets();
                for (SecretKind k : {SecretKind::Password, SecretKind::ApplicationCredentialSecret,
                                     SecretKind::Token})
                    s.set(k, c.secrets.get(k));
                setProfile(merged, s);
                showImportMessage(r.warnings.join(u'\n'), false);
            }
            emit importFinished();
        });
}

void ProfileEditor::importKeystoneConf(const QString &given)
{
    QString path = given;
    if (path.isEmpty())
        path = QFileDialog::getOpenFileName(this, tr("Import keystone.conf"),
                                            QStringLiteral("/etc/keystone"),
                                            tr("Configuration (*.conf);;All files (*)"));
    if (path.isEmpty())
        return;
    whenFinished(
        this, QtConcurrent::run(ioPool(), [path] { return turnstile::importKeystoneConf(path); }),
        [this, path](const ConfImportResult &r) {
            if (!r.error.isEmpty()) {
                showImportMessage(r.error, true);
            } else {
                Profile p = profile();
                const ImportedSecrets found =
                    applyKeystoneConf(p, r.conf, QFileInfo(path).absoluteFilePath());
                Secrets s = secrets();
                if (!found.databasePassword.isEmpty())
                    s.databasePassword = found.databasePassword;
                setProfile(p, s);
                showImportMessage(r.warnings.join(u'\n'), !r.warnings.isEmpty());
            }
            emit importFinished();
        });
}

} // namespace turnstile
