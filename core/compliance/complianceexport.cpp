#include "compliance/complianceexport.h"

#include <QJsonArray>

namespace turnstile {

namespace {
QJsonValue optionalBool(const std::optional<bool> &b)
{
    return b ? QJsonValue(*b) : QJsonValue();
}

QJsonValue time(const QDateTime &t)
{
    return t.isValid() ? QJsonValue(t.toUTC().toString(Qt::ISODate)) : QJsonValue();
}
} // namespace

QString csvField(const QString &value)
{
    QString v = value;
    // Spreadsheets open a mail-merge CSV too; a user name such as
    // "=HYPERLINK(...)" must stay text.
    if (!v.isEmpty() && (v.front() == u'=' || v.front() == u'+' || v.front() == u'-' ||
                         v.front() == u'@' || v.front() == u'\t' || v.front() == u'\r'))
        v.prepend(u'\'');
    if (v.contains(u',') || v.contains(u'"') || v.contains(u'\n') || v.contains(u'\r')) {
        v.replace(QStringLiteral("\""), QStringLiteral("\"\""));
        v = u'"' + v + u'"';
    }
    return v;
}

QString complianceCsv(const ComplianceReport &report, const QList<ComplianceList> &lists)
{
    QString out =
        QStringLiteral("list,name,domain,email,date,user_id,failures,service_account\r\n");
    for (const ComplianceList which : lists) {
        const Metric<QList<ComplianceEntry>> &m = report.list(which);
        if (!m.value)
            continue;
        for (const ComplianceEntry &e : *m.value) {
            const ComplianceUser &u = e.user;
            const QStringList fields{
                complianceListName(which),
                u.name,
                u.domainName.isEmpty() ? u.domainId : u.domainName,
                u.email,
                e.dateText(),
                u.id,
                u.local ? QString::number(u.failedAuthCount) : QString(),
                u.serviceAccount
                    ? (*u.serviceAccount ? QStringLiteral("yes") : QStringLiteral("no"))
                    : QString(),
            };
            QStringList quoted;
            for (const QString &f : fields)
                quoted.append(csvField(f));
            out += quoted.join(u',') + QStringLiteral("\r\n");
        }
    }
    return out;
}

QJsonObject complianceEntryJson(const ComplianceEntry &e)
{
    const ComplianceUser &u = e.user;
    QJsonObject o;
    o.insert(QStringLiteral("id"), u.id);
    o.insert(QStringLiteral("name"), u.name);
    o.insert(QStringLiteral("domain_id"), u.domainId);
    o.insert(QStringLiteral("domain"), u.domainName);
    o.insert(QStringLiteral("email"), u.email.isEmpty() ? QJsonValue() : QJsonValue(u.email));
    o.insert(QStringLiteral("date"), e.dateText());
    o.insert(QStringLiteral("enabled"), u.enabled);
    o.insert(QStringLiteral("failed_auth_count"), u.failedAuthCount);
    o.insert(QStringLiteral("failed_auth_at"), time(u.failedAuthAt));
    o.insert(QStringLiteral("last_active_at"),
             u.lastActiveAt.isValid() ? QJsonValue(u.lastActiveAt.toString(Qt::ISODate))
                                      : QJsonValue());
    o.insert(QStringLiteral("created_at"), time(u.createdAt));
    o.insert(QStringLiteral("password_expires_at"), time(u.passwordExpires));
    if (e.daysInactive >= 0)
        o.insert(QStringLiteral("days_inactive"), e.daysInactive);
    o.insert(QStringLiteral("service_account"), optionalBool(u.serviceAccount));
    return o;
}

QJsonObject complianceJson(const ComplianceReport &report, const QList<ComplianceList> &lists)
{
    QJsonObject settings;
    for (const ComplianceSettings::Row &row : report.settings.describe())
        settings.insert(row.option, row.value);
    QJsonObject values;
    const ComplianceSettings &s = report.settings;
    values.insert(QStringLiteral("lockout_failure_attempts"),
                  s.lockoutFailureAttempts ? QJsonValue(*s.lockoutFailureAttempts) : QJsonValue());
    values.insert(QStringLiteral("lockout_duration"), s.lockoutDurationSec);
    values.insert(QStringLiteral("disable_user_account_days_inactive"),
                  s.disableInactiveDays ? QJsonValue(*s.disableInactiveDays) : QJsonValue());
    values.insert(QStringLiteral("password_expires_days"),
                  s.passwordExpiresDays ? QJsonValue(*s.passwordExpiresDays) : QJsonValue());
    values.insert(QStringLiteral("unique_last_password_count"), s.uniqueLastPasswordCount);
    values.insert(QStringLiteral("minimum_password_age"), s.minimumPasswordAgeDays);
    values.insert(QStringLiteral("password_regex"),
                  s.passwordRegex ? QJsonValue(*s.passwordRegex) : QJsonValue());
    values.insert(QStringLiteral("password_regex_description"),
                  s.passwordRegexDescription ? QJsonValue(*s.passwordRegexDescription)
                                             : QJsonValue());
    values.insert(QStringLiteral("password_expires_ignore_user_ids"),
                  QJsonArray::fromStringList(s.passwordExpiresIgnoreUserIds));

    QJsonObject out;
    out.insert(QStringLiteral("profile"), report.profile);
    out.insert(QStringLiteral("at"), time(report.at));
    out.insert(QStringLiteral("within_days"), report.withinDays);
    out.insert(QStringLiteral("settings_source"), s.sourceDescription());
    out.insert(QStringLiteral("settings"), values);
    out.insert(QStringLiteral("settings_text"), settings);
    QJsonObject listsJson;
    QJsonObject errors;
    for (const ComplianceList which : lists) {
        const Metric<QList<ComplianceEntry>> &m = report.list(which);
        if (!m.value) {
            listsJson.insert(complianceListName(which), QJsonValue());
            errors.insert(complianceListName(which), m.error);
            continue;
        }
        QJsonArray arr;
        for (const ComplianceEntry &e : *m.value)
            arr.append(complianceEntryJson(e));
        listsJson.insert(complianceListName(which), arr);
    }
    out.insert(QStringLiteral("lists"), listsJson);
    out.insert(QStringLiteral("errors"), errors);
    if (!report.serviceAccountsError.isEmpty())
        out.insert(QStringLiteral("service_accounts_error"), report.serviceAccountsError);
    out.insert(QStringLiteral("notes"), QJsonArray::fromStringList(report.notes));
    return out;
}

} // namespace turnstile
