#pragma once

#include "events/eventfilter.h"
#include "events/keystoneevent.h"

#include <QAbstractTableModel>
#include <QList>
#include <QSet>

namespace turnstile {

// Keystone's audit events of one profile as a live feed, newest first,
// narrowed by an EventFilter. Events come in as values: the stored ones a
// page read on a worker (setEvents), then the consumer's new batches
// (appendEvents, one insert per batch at the top). Keeps at most
// maxEvents() (the oldest go first), so a week of logins cannot grow the
// window without bound.
class EventFeedModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        TimeColumn,
        ActionColumn,
        OutcomeColumn,
        UserColumn,   // the initiator, by the name it had
        TargetColumn, // "user svc-backup (id …)"
        AddressColumn,
        DescriptionColumn, // the one sentence (eventDescription)
        ColumnCount
    };
    static constexpr int EventRole = Qt::UserRole + 1; // QVariant<KeystoneEvent>

    explicit EventFeedModel(QObject *parent = nullptr);

    // Replaces everything (oldest first, as HistoryStore::events returns).
    void setEvents(const QList<KeystoneEvent> &oldestFirst);
    // New events (oldest first); those already held (message id) are skipped.
    void appendEvents(const QList<KeystoneEvent> &oldestFirst);
    void setFilter(const EventFilter &filter);
    EventFilter filter() const { return m_filter; }
    void setMaxEvents(int max);
    int maxEvents() const { return m_max; }

    // The shown events, newest first (what an export writes, oldest first).
    const QList<KeystoneEvent> &shown() const { return m_shown; }
    QList<KeystoneEvent> shownOldestFirst() const;
    // Every held event, filtered or not (for the filters' choices).
    int heldCount() const { return int(m_all.size()); }
    QStringList actions() const;
    KeystoneEvent event(int row) const { return m_shown.value(row); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
    void trim();
    QList<KeystoneEvent> m_all;   // newest first
    QList<KeystoneEvent> m_shown; // newest first, m_filter applied
    QSet<QString> m_ids;
    EventFilter m_filter;
    int m_max = 20000;
};

} // namespace turnstile

Q_DECLARE_METATYPE(turnstile::KeystoneEvent)
