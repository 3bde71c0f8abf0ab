#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

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
    // Every service account's name and id (for the lockout early warning).
    QStringList serviceAccounts;
    // Local service accounts without ignore_lockout_failure_attempts while
    // lockout is on: anyone who knows the name can lock the service out.
    QList<LockedServiceAccount> unprotectedServiceAccounts; // unlocksAt unused

    // "Service accounts without ignore_lockout_failure_attempts, which anyone
    // who knows the name can lock out: glance (Default), nova (Default). …";
    // empty when there are none.
    QString unprotectedSentence() const;

    bool available() const { return locked >= 0; }
    // One translated sentence: "2 accounts locked, 1 service account: nova
    // (Default) until 14:05 UTC."
    QString sentence() const;
    QJsonObject toJson() const;
};

ComplianceSummary summarizeCompliance(const ComplianceReport &report);

} // namespace turnstile
