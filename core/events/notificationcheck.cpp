#include "events/notificationcheck.h"

#include "profiles/keystoneconf.h"

#include <QCoreApplication>

namespace turnstile {

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(NotificationCheck)
};

} // namespace

QStringList checkNotificationConfig(const KeystoneConf &conf)
{
    QStringList out;
    const QString file =
        conf.sourcePath.isEmpty() ? QStringLiteral("keystone.conf") : conf.sourcePath;
    bool messaging = false;
    for (const QString &d : conf.notificationDrivers)
        messaging = messaging || d == u"messagingv2" || d == u"messaging";
    if (!messaging) {
        const QStringList others = conf.notificationDrivers;
        if (others.isEmpty() || others == QStringList{QStringLiteral("noop")})
            out << Tr::tr("%1: [oslo_messaging_notifications] driver is %2, so Keystone sends no "
                          "events; set driver = messagingv2.")
                       .arg(file,
                            others.isEmpty() ? Tr::tr("not set (noop)") : QStringLiteral("noop"));
        else
            out << Tr::tr("%1: [oslo_messaging_notifications] driver = %2 sends no events to "
                          "RabbitMQ; add a line driver = messagingv2.")
                       .arg(file, others.join(QStringLiteral(", ")));
    }
    if (conf.notificationFormat != u"cadf")
        out << Tr::tr("%1: [DEFAULT] notification_format = %2 sends no CADF audit events; set "
                      "notification_format = cadf.")
                   .arg(file, conf.notificationFormat);
    // Keystone appends the CADF outcome to identity.authenticate before it
    // compares: "failure", not the "failed" of its own default list.
    for (const char *hidden : {"identity.authenticate.success", "identity.authenticate.failure",
                               "identity.authenticate"}) {
        if (!conf.notificationOptOut.contains(QLatin1String(hidden)))
            continue;
        const QString what = QLatin1String(hidden).endsWith(QLatin1String("failure"))
                                 ? Tr::tr("failed logins, and with them the lockout warning")
                             : QLatin1String(hidden).endsWith(QLatin1String("success"))
                                 ? Tr::tr("successful logins (who mints tokens)")
                                 : Tr::tr("every login");
        if (conf.notificationOptOutSet)
            out << Tr::tr("%1: [DEFAULT] notification_opt_out = %2 hides %3; remove that line "
                          "(an empty \"notification_opt_out =\" sends every event).")
                       .arg(file, QLatin1String(hidden), what);
        else
            out << Tr::tr("%1: Keystone's default notification_opt_out hides %2; add "
                          "\"notification_opt_out =\" (empty) to [DEFAULT].")
                       .arg(file, what);
    }
    if (messaging && !conf.transportUrl)
        out << Tr::tr("%1: no transport_url in [oslo_messaging_notifications] or [DEFAULT], so "
                      "Keystone's notifications go nowhere Turnstile can read.")
                   .arg(file);
    return out;
}

} // namespace turnstile
