#include "keystone/authrequest.h"

#include <QCoreApplication>
#include <QJsonArray>

namespace turnstile {

namespace {
// lupdate resolves Tr::tr() through this declaration to the "AuthRequest"
// context; a free Tr::tr() wrapper would leave the strings context-less.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(AuthRequest)
};

QJsonObject domainRef(const QString &id, const QString &name)
{
    QJsonObject d;
    if (!id.isEmpty())
        d[u"id"] = id;
    else if (!name.isEmpty())
        d[u"name"] = name;
    return d;
}
} // namespace

QJsonObject buildAuthRequest(const Profile &p, const Secrets &s, QString *error)
{
    QJsonObject identity;
    switch (p.authMethod) {
    case AuthMethod::Password: {
        if (p.username.isEmpty() && p.userId.isEmpty()) {
            *error = Tr::tr("The profile names no user for password authentication.");
            return {};
        }
        if (s.password.isEmpty()) {
            *error = Tr::tr(
                "No password is available for this profile (keychain, OS_PASSWORD or prompt).");
            return {};
        }
        QJsonObject user;
        if (!p.userId.isEmpty()) {
            user[u"id"] = p.userId;
        } else {
            user[u"name"] = p.username;
            QJsonObject d = domainRef(p.userDomainId, p.userDomainName);
            if (d.isEmpty())
                d[u"id"] = QStringLiteral("default");
            user[u"domain"] = d;
        }
        user[u"password"] = s.password;
        identity[u"methods"] = QJsonArray{QStringLiteral("password")};
        identity[u"password"] = QJsonObject{{QStringLiteral("user"), user}};
        break;
    }
    case AuthMethod::ApplicationCredential: {
        if (s.applicationCredentialSecret.isEmpty()) {
            *error = Tr::tr("No application credential secret is available for this profile.");
            return {};
        }
        QJsonObject ac;
        if (!p.applicationCredentialId.isEmpty()) {
            ac[u"id"] = p.applicationCredentialId;
        } else if (!p.applicationCredentialName.isEmpty() &&
                   (!p.userId.isEmpty() || !p.username.isEmpty())) {
            ac[u"name"] = p.applicationCredentialName;
            QJsonObject user;
            if (!p.userId.isEmpty()) {
                user[u"id"] = p.userId;
            } else {
                user[u"name"] = p.username;
                QJsonObject d = domainRef(p.userDomainId, p.userDomainName);
                if (d.isEmpty())
                    d[u"id"] = QStringLiteral("default");
                user[u"domain"] = d;
            }
            ac[u"user"] = user;
        } else {
            *error =
                Tr::tr("An application credential needs its id, or its name plus the owning user.");
            return {};
        }
        ac[u"secret"] = s.applicationCredentialSecret;
        identity[u"methods"] = QJsonArray{QStringLiteral("application_credential")};
        identity[u"application_credential"] = ac;
        // The credential carries its own scope; Keystone rejects an explicit one.
        return QJsonObject{
            {QStringLiteral("auth"), QJsonObject{{QStringLiteral("identity"), identity}}}};
    }
    case AuthMethod::Token:
        if (s.token.isEmpty()) {
            *error = Tr::tr("No token is available for this profile.");
            return {};
        }
        identity[u"methods"] = QJsonArray{QStringLiteral("token")};
        identity[u"token"] = QJsonObject{{QStringLiteral("id"), s.token}};
        break;
    }

    QJsonObject auth{{QStringLiteral("identity"), identity}};
    if (p.systemScope) {
        auth[u"scope"] =
            QJsonObject{{QStringLiteral("system"), QJsonObject{{QStringLiteral("all"), true}}}};
    } else if (!p.projectId.isEmpty() || !p.projectName.isEmpty()) {
        QJsonObject project;
        if (!p.projectId.isEmpty()) {
            project[u"id"] = p.projectId;
        } else {
            project[u"name"] = p.projectName;
            QJsonObject d = domainRef(p.projectDomainId, p.projectDomainName);
            if (d.isEmpty())
                d = domainRef(p.userDomainId, p.userDomainName);
            if (d.isEmpty())
                d[u"id"] = QStringLiteral("default");
            project[u"domain"] = d;
        }
        auth[u"scope"] = QJsonObject{{QStringLiteral("project"), project}};
    } else if (!p.domainId.isEmpty() || !p.domainName.isEmpty()) {
        auth[u"scope"] =
            QJsonObject{{QStringLiteral("domain"), domainRef(p.domainId, p.domainName)}};
    }
    return QJsonObject{{QStringLiteral("auth"), auth}};
}

} // namespace turnstile
