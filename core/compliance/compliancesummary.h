#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace turnstile {

struct ComplianceReport;

// The part of a compliance report that deserves an alert, small enough for
// an Overview tile: how many accounts are locked, and which of them are
// service accounts (a locked service account breaks a service, not a person),
// each with the time it unlocks by itself.
struct ComplianceSummary
{
    struct LockedServiceAccount
    {
        QString id;
        QString name;
        QString domain;
        QDateTime unlocksAt; // UTC; invalid when Keystone cannot compute it
    };

    QDateTime at;
    int locked = -1; // -1 = the locked list is unavailable
    QList<LockedServiceAccount> lockedServiceAccounts;
    bool serviceAccountsKnown = true; // false: locked users could not be classified
    QString error;                    // why `locked` is unavailable

    bool available() const { return locked >= 0; }
    // One translated sentence: "2 accounts locked, 1 service account: nova
    // (Default) until 14:05 UTC."
    QString sentence() const;
    QJsonObject toJson() const;
};

ComplianceSummary summarizeCompliance(const ComplianceReport &report);

} // namespace turnstile
