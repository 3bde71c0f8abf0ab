#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>

namespace turnstile {

// What one HTTP exchange with Keystone produced. A value type, so it can be
// handed from a worker thread to the GUI.
struct HttpResult
{
    QByteArray method;
    QUrl url;       // never carries credentials
    int status = 0; // 0 when no HTTP response arrived
    QString error;  // empty on success; otherwise one sentence saying what and where
    qint64 elapsedUs = 0;
    qint64 bodyBytes = 0;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers; // names lower-cased

    bool ok() const { return error.isEmpty(); }
    double elapsedMs() const { return elapsedUs / 1000.0; }
    QByteArray header(const QByteArray &lowerName) const
    {
        for (const auto &[k, v] : headers)
            if (k == lowerName)
                return v;
        return {};
    }
};

} // namespace turnstile
