#pragma once

#include "profiles/profile.h"
#include "profiles/secrets.h"

#include <QList>
#include <QString>

#include <functional>

namespace turnstile {

// The profile editor's "Test connection": whether each part of a profile,
// saved or not, answers, in one sentence per part. It runs the Overview's
// own checks (runProbe for Keystone and the database, readKeyStatus for the
// nodes' key repositories) once, so a profile that passes here is one the
// Overview can probe. Blocking: call it on a worker (ioPool()).
struct ConnectionTest
{
    enum class Part
    {
        Keystone,
        Database,
        Node
    };
    enum class State
    {
        Ok,
        Failed,
        NotConfigured,
    };
    struct Line
    {
        Part part = Part::Keystone;
        State state = State::Failed;
        QString sentence;
    };
    QList<Line> lines; // Keystone, the database, then one per node

    bool ok() const; // nothing configured failed
};

// `cancelled` is asked between the parts and inside the ssh reads: true
// stops early (the result is then dropped by the caller).
ConnectionTest testConnection(const Profile &profile, const Secrets &secrets,
                              const std::function<bool()> &cancelled = {});

} // namespace turnstile
