#include "profiles/profilemerge.h"

namespace turnstile {

Profile overlayIdentity(const Profile &base, const Profile &imported)
{
    Profile p = base;
    p.authUrl = imported.authUrl;
    p.authMethod = imported.authMethod;
    p.username = imported.username;
    p.userId = imported.userId;
    p.userDomainName = imported.userDomainName;
    p.userDomainId = imported.userDomainId;
    p.projectName = imported.projectName;
    p.projectId = imported.projectId;
    p.projectDomainName = imported.projectDomainName;
    p.projectDomainId = imported.projectDomainId;
    p.domainName = imported.domainName;
    p.domainId = imported.domainId;
    p.systemScope = imported.systemScope;
    p.applicationCredentialId = imported.applicationCredentialId;
    p.applicationCredentialName = imported.applicationCredentialName;
    p.regionName = imported.regionName;
    p.interface = imported.interface;
    p.verifyTls = imported.verifyTls;
    p.caCertFile = imported.caCertFile;
    p.clientCertFile = imported.clientCertFile;
    p.clientKeyFile = imported.clientKeyFile;
    p.timeoutMs = imported.timeoutMs;
    return p;
}

} // namespace turnstile
