#include "eventfeedmodel.h"

#include "events/eventexport.h"

#include <QColor>
#include <QDateTime>
#include <QSet>

#include <algorithm>

namespace turnstile {

EventFeedModel::EventFeedModel(QObject *parent) : QAbstractTableModel(parent) {}

int EventFeedModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_shown.size());
}

int EventFeedModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

void EventFeedModel::setEvents(const QList<KeystoneEvent> &oldestFirst)
{
    beginResetModel();
    m_all.clear();
    m_ids.clear();
    m_all.reserve(oldestFirst.size());
    for (auto it = oldestFirst.crbegin(); it != oldestFirst.crend(); ++it)
        if (!m_ids.contains(it->messageId)) {
            m_ids.insert(it->messageId);
            m_all.append(*it);
        }
    if (m_all.size() > m_max) {
        for (qsizetype i = m_max; i < m_all.size(); ++i)
            m_ids.remove(m_all.at(i).messageId);
        m_all.resize(m_max);
    }
    m_shown.clear();
    for (const KeystoneEvent &e : std::as_const(m_all))
        if (m_filter.matches(e))
            m_shown.append(e);
    endResetModel();
}

void EventFeedModel::appendEvents(const QList<KeystoneEvent> &oldestFirst)
{
    QList<KeystoneEvent> fresh; // newest first
    for (auto it = oldestFirst.crbegin(); it != oldestFirst.crend(); ++it)
        if (!m_ids.contains(it->messageId)) {
            m_ids.insert(it->messageId);
            fresh.append(*it);
        }
    if (fresh.isEmpty())
        return;
    m_all = fresh + m_all;
    QList<KeystoneEvent> shownFresh;
    for (const KeystoneEvent &e : std::as_const(fresh))
        if (m_filter.matches(e))
            shownFresh.append(e);
    // One insert per batch: a view scrolled down stays where it is.
    if (!shownFresh.isEmpty()) {
        beginInsertRows({}, 0, int(shownFresh.size()) - 1);
        m_shown = shownFresh + m_shown;
        endInsertRows();
    }
    trim();
}

void EventFeedModel::trim()
{
    if (m_all.size() <= m_max)
        return;
    // The oldest held events go; shown rows among them leave from the bottom.
    for (qsizetype i = m_max; i < m_all.size(); ++i)
        m_ids.remove(m_all.at(i).messageId);
    m_all.resize(m_max);
    qsizetype cut = m_shown.size();
    while (cut > 0 && !m_ids.contains(m_shown.at(cut - 1).messageId))
        --cut;
    if (cut < m_shown.size()) {
        beginRemoveRows({}, int(cut), int(m_shown.size()) - 1);
        m_shown.resize(cut);
        endRemoveRows();
    }
}

void EventFeedModel::setFilter(const EventFilter &filter)
{
    if (filter == m_filter)
        return;
    beginResetModel();
    m_filter = filter;
    m_shown.clear();
    for (const KeystoneEvent &e : std::as_const(m_all))
        if (m_filter.matches(e))
            m_shown.append(e);
    endResetModel();
}

void EventFeedModel::setMaxEvents(int max)
{
    m_max = std::max(1, max);
    trim();
}

QList<KeystoneEvent> EventFeedModel::shownOldestFirst() const
{
    QList<KeystoneEvent> out(m_shown.crbegin(), m_shown.crend());
    return out;
}

QStringList EventFeedModel::actions() const
{
    QSet<QString> seen;
    for (const KeystoneEvent &e : m_all)
        seen.insert(e.action);
    QStringList out(seen.cbegin(), seen.cend());
    out.sort();
    return out;
}

QVariant EventFeedModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const KeystoneEvent &e = m_shown.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            // The header says UTC; the cell is the instant alone.
            return QDateTime::fromMSecsSinceEpoch(e.eventTimeMs, Qt::UTC)
                .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        case ActionColumn:
            return e.action;
        case OutcomeColumn:
            return e.outcome;
        case UserColumn:
            return e.authUser();
        case TargetColumn: {
            if (e.isAuthentication() || e.targetId.isEmpty())
                return QString();
            const QString kind = eventTargetKind(e);
            return e.targetName.isEmpty() ? tr("%1 %2").arg(kind, e.targetId)
                                          : tr("%1 %2 (id %3)").arg(kind, e.targetName, e.targetId);
        }
        case AddressColumn:
            return e.initiatorAddress;
        case DescriptionColumn:
            return eventDescription(e);
        }
        break;
    case Qt::ToolTipRole: {
        QString tip = eventDescription(e);
        if (!e.initiatorAgent.isEmpty())
            tip += u'\n' + tr("Client: %1").arg(e.initiatorAgent);
        tip += u'\n' + tr("Message %1").arg(e.messageId);
        return tip;
    }
    case Qt::ForegroundRole:
        if (index.column() == OutcomeColumn && e.outcome == u"failure")
            return QColor(0xc6, 0x28, 0x28);
        break;
    case EventRole:
        return QVariant::fromValue(e);
    }
    return {};
}

QVariant EventFeedModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, o, role);
    switch (section) {
    case TimeColumn:
        return tr("Time (UTC)");
    case ActionColumn:
        return tr("Action");
    case OutcomeColumn:
        return tr("Outcome");
    case UserColumn:
        return tr("User");
    case TargetColumn:
        return tr("Target");
    case AddressColumn:
        return tr("From");
    case DescriptionColumn:
        return tr("What happened");
    }
    return {};
}

} // namespace turnstile
