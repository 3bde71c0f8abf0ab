#include "profiles/secretstore.h"

#include <QCoreApplication>
#include <QEventLoop>

#include <memory>

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
        r.error = QCoreApplication::translate("SecretStore", "No secret is stored in the keychain for this profile.");
        return r;
    }
    // QtKeychain's own text names the backend problem (no D-Bus session, locked
    // collection, ...); it never contains the secret.
    r.error = QCoreApplication::translate("SecretStore", "The system keychain is not available: %1")
                  .arg(job->errorString());
    return r;
}

template <typename JobT>
void runJob(JobT *job, const SecretStore::Callback &done)
{
    job->setAutoDelete(true);
    // 0.13 has no isAvailable(); the insecure fallback is never enabled: plain
    // text storage is an explicit per-profile opt-in handled by the caller.
    job->setInsecureFallback(false);
    QObject::connect(job, &QKeychain::Job::finished, job, [done](QKeychain::Job *j) { done(resultOf(j)); });
    job->start();
}

SecretResult blocking(const std::function<void(SecretStore::Callback)> &start)
{
    SecretResult out;
    QEventLoop loop;
    bool finished = false;
    start([&](const SecretResult &r) {
        out = r;
        finished = true;
        loop.quit();
    });
    if (!finished)
        loop.exec();
    return out;
}

} // namespace

SecretStore::SecretStore(QObject *parent)
    : QObject(parent)
{
}

QString SecretStore::serviceName()
{
    return QStringLiteral("turnstile");
}

QString SecretStore::keyFor(const QString &profile, SecretKind kind)
{
    return QStringLiteral("profile/%1/%2").arg(profile, kindName(kind));
}

void SecretStore::read(const QString &profile, SecretKind kind, Callback done)
{
    auto *job = new QKeychain::ReadPasswordJob(serviceName(), this);
    job->setKey(keyFor(profile, kind));
    runJob(job, done);
}

void SecretStore::write(const QString &profile, SecretKind kind, const QString &value, Callback done)
{
    auto *job = new QKeychain::WritePasswordJob(serviceName(), this);
    job->setKey(keyFor(profile, kind));
    job->setTextData(value);
    runJob(job, done);
}

void SecretStore::remove(const QString &profile, SecretKind kind, Callback done)
{
    auto *job = new QKeychain::DeletePasswordJob(serviceName(), this);
    job->setKey(keyFor(profile, kind));
    runJob(job, done);
}

void SecretStore::readAll(const QString &profile, std::function<void(const Secrets &, const QString &)> done)
{
    struct State
    {
        Secrets secrets;
        size_t next = 0;
    };
    auto state = std::make_shared<State>();
    auto step = std::make_shared<std::function<void()>>();
    // The chain holds itself alive through the callback; it is released when done.
    *step = [this, profile, done, state, step]() {
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

SecretResult SecretStore::readBlocking(const QString &profile, SecretKind kind)
{
    return blocking([&](Callback cb) { read(profile, kind, cb); });
}

SecretResult SecretStore::writeBlocking(const QString &profile, SecretKind kind, const QString &value)
{
    return blocking([&](Callback cb) { write(profile, kind, value, cb); });
}

SecretResult SecretStore::removeBlocking(const QString &profile, SecretKind kind)
{
    return blocking([&](Callback cb) { remove(profile, kind, cb); });
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
