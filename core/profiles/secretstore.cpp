#include "profiles/secretstore.h"
#include "util/apppaths.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QSaveFile>
#include <QTimer>

#include <memory>
#include <utility>

#include <qt6keychain/keychain.h>

namespace turnstile {

namespace {

QString kindName(SecretKind k)
{
    switch (k) {
    case SecretKind::Password:
        return QStringLiteral("password");
    case SecretKind::ApplicationCredentialSecret:
        return QStringLiteral("application_credential_secret");
    case SecretKind::Token:
        return QStringLiteral("token");
    case SecretKind::DatabasePassword:
        return QStringLiteral("database_password");
    case SecretKind::NotificationPassword:
        return QStringLiteral("notification_password");
    }
    return QStringLiteral("unknown");
}

SecretResult resultOf(QKeychain::Job *job)
{
    SecretResult r;
    if (job->error() == QKeychain::NoError) {
        r.ok = true;
        if (auto *rj = qobject_cast<QKeychain::ReadPasswordJob *>(job))
            r.value = rj->textData();
        return r;
    }
    if (job->error() == QKeychain::EntryNotFound) {
        r.notFound = true;
        r.error = QCoreApplication::translate(
            "SecretStore", "No secret is stored in the keychain for this profile.");
        return r;
    }
    // QtKeychain's own text names the backend problem (no D-Bus session, locked
    // collection, ...); it never contains the secret.
    r.error = QCoreApplication::translate("SecretStore", "The system keychain is not available: %1")
                  .arg(job->errorString());
    return r;
}

// The job has no parent and deletes itself once it has finished: QtKeychain's
// libsecret backend answers into the job it started, so a job deleted with its
// store while a D-Bus call was in flight crashed the program. A store destroyed
// first only silences the answer (owner is gone, nobody is called back).
template <typename JobT> void runJob(JobT *job, QObject *owner, SecretStore::Callback done)
{
    job->setAutoDelete(true);
    done = [alive = QPointer<QObject>(owner), done](const SecretResult &r) {
        if (alive)
            done(r);
    };
    // 0.13 has no isAvailable(); the insecure fallback is never enabled: plain
    // text storage is an explicit per-profile opt-in handled by the caller.
    job->setInsecureFallback(false);
    // Exactly one answer: the keychain's, or the timeout's.
    auto answered = std::make_shared<bool>(false);
    QObject::connect(job, &QKeychain::Job::finished, job, [done, answered](QKeychain::Job *j) {
        if (!std::exchange(*answered, true))
            done(resultOf(j));
    });
    // A locked Secret Service collection waits for an unlock prompt that
    // nobody answers in cron; without a deadline turnstilectl hangs forever.
    const int timeoutMs = SecretStore::timeoutMs();
    auto *timer = new QTimer(job);
    timer->setSingleShot(true);
    QObject::connect(timer, &QTimer::timeout, job, [done, answered, timeoutMs] {
        if (std::exchange(*answered, true))
            return;
        SecretResult r;
        r.error = QCoreApplication::translate(
            "SecretStore",
            "The system keychain did not answer within %n second(s); it may be locked. "
            "Unlock it or provide the secret through the environment.",
            nullptr, timeoutMs / 1000);
        done(r);
    });
    timer->start(timeoutMs);
    job->start();
}

// Runs an asynchronous keychain call to its answer (turnstilectl and tests have
// no window to keep responsive); the one loop every *Blocking method uses.
template <typename Result>
Result blocking(const std::function<void(std::function<void(const Result &)>)> &start)
{
    Result out;
    QEventLoop loop;
    bool finished = false;
    start([&](const Result &r) {
        out = r;
        finished = true;
        loop.quit();
    });
    if (!finished)
        loop.exec();
    return out;
}

} // namespace

SecretStore::SecretStore(QObject *parent) : QObject(parent) {}

int SecretStore::timeoutMs()
{
    bool ok = false;
    const int seconds = qEnvironmentVariableIntValue("TURNSTILE_KEYCHAIN_TIMEOUT", &ok);
    return (ok && seconds > 0 ? seconds : 20) * 1000;
}

QString SecretStore::serviceName()
{
    return QStringLiteral("turnstile");
}

QString SecretStore::keyFor(const QString &profile, SecretKind kind)
{
    return QStringLiteral("profile/%1/%2").arg(profile, kindName(kind));
}

QString SecretStore::plaintextFile() const
{
    if (!m_plaintextFile.isEmpty())
        return m_plaintextFile;
    return AppPaths::plaintextSecretsFile();
}

SecretResult SecretStore::readPlaintext(const QString &key) const
{
    SecretResult r;
    r.plaintext = true;
    QFile f(plaintextFile());
    if (!f.open(QIODevice::ReadOnly)) {
        r.notFound = true;
        r.error = tr("No secret is stored for this profile.");
        return r;
    }
    const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    if (!o.contains(key)) {
        r.notFound = true;
        r.error = tr("No secret is stored for this profile.");
        return r;
    }
    r.ok = true;
    r.value = o.value(key).toString();
    return r;
}

SecretResult SecretStore::writePlaintext(const QString &key, const QString *value) const
{
    SecretResult r;
    r.plaintext = true;
    QJsonObject o;
    {
        QFile in(plaintextFile());
        if (in.open(QIODevice::ReadOnly))
            o = QJsonDocument::fromJson(in.readAll()).object();
    }
    if (value)
        o.insert(key, *value);
    else
        o.remove(key);
    if (!AppPaths::makePrivateDir(QFileInfo(plaintextFile()).absolutePath(), &r.error))
        return r;
    QSaveFile out(plaintextFile());
    // Owner-only before the first byte is written; the rename keeps the mode.
    if (!out.open(QIODevice::WriteOnly) ||
        !out.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        r.error = tr("Cannot write %1.").arg(plaintextFile());
        return r;
    }
    out.write(QJsonDocument(o).toJson(QJsonDocument::Compact));
    if (!out.commit()) {
        r.error = tr("Cannot write %1.").arg(plaintextFile());
        return r;
    }
    r.ok = true;
    return r;
}

void SecretStore::read(const QString &profile, SecretKind kind, Callback done)
{
    auto *job = new QKeychain::ReadPasswordJob(serviceName());
    const QString key = keyFor(profile, kind);
    job->setKey(key);
    const bool fallback = plaintextAllowed(profile);
    runJob(job, this, [this, done, key, fallback](const SecretResult &r) {
        if (!r.ok && !r.notFound && fallback)
            done(readPlaintext(key));
        else
            done(r);
    });
}

void SecretStore::write(const QString &profile, SecretKind kind, const QString &value,
                        Callback done)
{
    auto *job = new QKeychain::WritePasswordJob(serviceName());
    const QString key = keyFor(profile, kind);
    job->setKey(key);
    job->setTextData(value);
    const bool fallback = plaintextAllowed(profile);
    runJob(job, this, [this, done, key, value, fallback](const SecretResult &r) {
        if (!r.ok && fallback)
            done(writePlaintext(key, &value));
        else
            done(r);
    });
}

void SecretStore::remove(const QString &profile, SecretKind kind, Callback done)
{
    auto *job = new QKeychain::DeletePasswordJob(serviceName());
    const QString key = keyFor(profile, kind);
    job->setKey(key);
    runJob(job, this, [this, done, key](const SecretResult &r) {
        // A plain-text copy, if one was ever made, goes too.
        if (QFile::exists(plaintextFile()))
            writePlaintext(key, nullptr);
        done(r);
    });
}

void SecretStore::readAll(const QString &profile,
                          std::function<void(const Secrets &, const QString &)> done)
{
    struct State
    {
        Secrets secrets;
        size_t next = 0;
    };
    auto state = std::make_shared<State>();
    auto step = std::make_shared<std::function<void()>>();
    // The pending keychain read holds the chain alive; the chain itself holds
    // only a weak reference, so a job deleted without calling back (the
    // window closed first) frees it instead of leaking a cycle.
    std::weak_ptr<std::function<void()>> weakStep = step;
    *step = [this, profile, done, state, weakStep]() {
        const auto step = weakStep.lock();
        if (!step)
            return;
        if (state->next >= kAllSecretKinds.size()) {
            done(state->secrets, QString());
            *step = nullptr;
            return;
        }
        const SecretKind kind = kAllSecretKinds.at(state->next++);
        read(profile, kind, [done, state, step, kind](const SecretResult &r) {
            if (r.ok) {
                state->secrets.set(kind, r.value);
            } else if (!r.notFound) {
                done(state->secrets, r.error);
                *step = nullptr;
                return;
            }
            (*step)();
        });
    };
    (*step)();
}

void SecretStore::removeQuietly(const QString &profile, SecretKind kind, Callback done)
{
    // Best effort, reported as success: an entry that is not there is what
    // removal wants, and a keychain that cannot be reached holds nothing we
    // could remove (remove() clears the plain-text copy in any case).
    remove(profile, kind, [done](const SecretResult &) {
        SecretResult ok;
        ok.ok = true;
        done(ok);
    });
}

void SecretStore::replace(const QString &previousName, const QString &name, const Secrets &secrets,
                          bool complete, std::function<void(const QList<SecretResult> &)> done)
{
    using Step = std::function<void(Callback)>;
    QList<Step> steps;
    for (SecretKind k : kAllSecretKinds) {
        const QString value = secrets.get(k);
        if (!value.isEmpty())
            steps.append([this, name, k, value](Callback cb) { write(name, k, value, cb); });
        else if (complete)
            steps.append([this, name, k](Callback cb) { removeQuietly(name, k, cb); });
    }
    if (!previousName.isEmpty() && previousName != name)
        for (SecretKind k : kAllSecretKinds)
            steps.append(
                [this, previousName, k](Callback cb) { removeQuietly(previousName, k, cb); });
    struct State
    {
        QList<Step> steps;
        QList<SecretResult> results;
        qsizetype next = 0;
    };
    auto state = std::make_shared<State>(State{steps, {}, 0});
    auto step = std::make_shared<std::function<void()>>();
    std::weak_ptr<std::function<void()>> weakStep = step;
    *step = [state, done, weakStep]() {
        const auto self = weakStep.lock();
        if (!self)
            return;
        if (state->next >= state->steps.size()) {
            done(state->results);
            *self = nullptr;
            return;
        }
        const Step current = state->steps.at(state->next++);
        current([state, self](const SecretResult &r) {
            state->results.append(r);
            (*self)();
        });
    };
    (*step)();
}

QList<SecretResult> SecretStore::replaceBlocking(const QString &previousName, const QString &name,
                                                 const Secrets &secrets, bool complete)
{
    return blocking<QList<SecretResult>>([&](std::function<void(const QList<SecretResult> &)> cb) {
        replace(previousName, name, secrets, complete, cb);
    });
}

SecretResult SecretStore::readBlocking(const QString &profile, SecretKind kind)
{
    return blocking<SecretResult>([&](Callback cb) { read(profile, kind, cb); });
}

SecretResult SecretStore::writeBlocking(const QString &profile, SecretKind kind,
                                        const QString &value)
{
    return blocking<SecretResult>([&](Callback cb) { write(profile, kind, value, cb); });
}

SecretResult SecretStore::removeBlocking(const QString &profile, SecretKind kind)
{
    return blocking<SecretResult>([&](Callback cb) { remove(profile, kind, cb); });
}

bool SecretStore::readAllBlocking(const QString &profile, Secrets *out, QString *error)
{
    for (SecretKind k : kAllSecretKinds) {
        const SecretResult r = readBlocking(profile, k);
        if (r.ok)
            out->set(k, r.value);
        else if (!r.notFound) {
            if (error)
                *error = r.error;
            return false;
        }
    }
    return true;
}

} // namespace turnstile
