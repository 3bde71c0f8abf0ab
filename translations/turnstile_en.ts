<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>ActionResult</name>
    <message numerus="yes">
        <source>Waited %n time(s) for Galera flow control, %1 in all</source>
        <translation>
            <numerusform>Waited %n time for Galera flow control, %1 in all</numerusform>
            <numerusform>Waited %n times for Galera flow control, %1 in all</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Availability</name>
    <message numerus="yes">
        <source>Down %n times, %1 in all; the longest %2 at %3.</source>
        <translation>
            <numerusform>Down %n times, %1 in all; the longest %2 at %3.</numerusform>
            <numerusform>Down %n times, %1 in all; the longest %2 at %3.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>BrokerQueueDepth</name>
    <message numerus="yes">
        <source>RabbitMQ&apos;s queue %1 holds %2 messages: its %n consumer(s) fall behind.</source>
        <translation>
            <numerusform>RabbitMQ&apos;s queue %1 holds %2 messages: its %n consumer fall behind.</numerusform>
            <numerusform>RabbitMQ&apos;s queue %1 holds %2 messages: its %n consumers fall behind.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Cli</name>
    <message numerus="yes">
        <source>Moved the database password of %n profile(s) (%1) from %2 to the keychain; the file no longer holds it.</source>
        <translation>
            <numerusform>Moved the database password of %n profile (%1) from %2 to the keychain; the file no longer holds it.</numerusform>
            <numerusform>Moved the database password of %n profiles (%1) from %2 to the keychain; the file no longer holds it.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 row(s)</source>
        <translation>
            <numerusform>%1 row</numerusform>
            <numerusform>%1 rows</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>p50 %1 · p95 %2 · p99 %3 (%n sample(s))</source>
        <translation>
            <numerusform>p50 %1 · p95 %2 · p99 %3 (%n sample)</numerusform>
            <numerusform>p50 %1 · p95 %2 · p99 %3 (%n samples)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>warning: the secrets of %n more profile(s) were not stored either.</source>
        <translation>
            <numerusform>warning: the secrets of %n more profile was not stored either.</numerusform>
            <numerusform>warning: the secrets of %n more profiles were not stored either.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n failure(s)</source>
        <translation>
            <numerusform>%n failure</numerusform>
            <numerusform>%n failures</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>disabled on %1 (inactive %n day(s))</source>
        <translation>
            <numerusform>disabled on %1 (inactive %n day)</numerusform>
            <numerusform>disabled on %1 (inactive %n days)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>disabled since %1 (inactive %n day(s))</source>
        <translation>
            <numerusform>disabled since %1 (inactive %n day)</numerusform>
            <numerusform>disabled since %1 (inactive %n days)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 within %n day(s)</source>
        <translation>
            <numerusform>%1 within %n day</numerusform>
            <numerusform>%1 within %n days</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moved the threshold overrides of %n profile(s) (%1) into their own [thresholds.NAME] sections of %2.</source>
        <translation>
            <numerusform>Moved the threshold overrides of %n profile (%1) into their own [thresholds.NAME] sections of %2.</numerusform>
            <numerusform>Moved the threshold overrides of %n profiles (%1) into their own [thresholds.NAME] sections of %2.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ComplianceSettings</name>
    <message numerus="yes">
        <source>%n failed attempt(s)</source>
        <translation>
            <numerusform>%n failed attempt</numerusform>
            <numerusform>%n failed attempts</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n day(s)</source>
        <translation>
            <numerusform>%n day</numerusform>
            <numerusform>%n days</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n password(s)</source>
        <translation>
            <numerusform>%n password</numerusform>
            <numerusform>%n passwords</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ComplianceSummary</name>
    <message numerus="yes">
        <source>%n account(s) locked.</source>
        <translation>
            <numerusform>%n account locked.</numerusform>
            <numerusform>%n accounts locked.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Locked service account(s): %1.</source>
        <translation>
            <numerusform>Locked service account: %1.</numerusform>
            <numerusform>Locked service accounts: %1.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ConnectionTest</name>
    <message numerus="yes">
        <source>The local key repository %1 is readable and holds %n key(s).</source>
        <translation>
            <numerusform>The local key repository %1 is readable and holds %n key.</numerusform>
            <numerusform>The local key repository %1 is readable and holds %n keys.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: the key repository %2 is readable and holds %n key(s).</source>
        <translation>
            <numerusform>%1: the key repository %2 is readable and holds %n key.</numerusform>
            <numerusform>%1: the key repository %2 is readable and holds %n keys.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>GaleraVerdict</name>
    <message numerus="yes">
        <source>(critical from %n missing)</source>
        <translation>
            <numerusform>(critical from %n missing)</numerusform>
            <numerusform>(critical from %n missing)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>(warning from %n missing)</source>
        <translation>
            <numerusform>(warning from %n missing)</numerusform>
            <numerusform>(warning from %n missing)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>GuardedCommands</name>
    <message numerus="yes">
        <source>The audit log&apos;s hash chain is intact (%n line(s)).</source>
        <translation>
            <numerusform>The audit log&apos;s hash chain is intact (%n line).</numerusform>
            <numerusform>The audit log&apos;s hash chain is intact (%n lines).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n line(s) of the audit log are not JSON and were skipped.</source>
        <translation>
            <numerusform>%n line of the audit log is not JSON and was skipped.</numerusform>
            <numerusform>%n lines of the audit log are not JSON and were skipped.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>KeyConsistency</name>
    <message numerus="yes">
        <source>All %n node(s) hold the same keys, but: %1</source>
        <translation>
            <numerusform>The %n node holds the same keys, but: %1</numerusform>
            <numerusform>All %n nodes hold the same keys, but: %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>All %n node(s) hold the same %1 keys (primary %2).</source>
        <translation>
            <numerusform>The %n node holds the same %1 keys (primary %2).</numerusform>
            <numerusform>All %n nodes hold the same %1 keys (primary %2).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>KeyRotation</name>
    <message numerus="yes">
        <source>the Fernet key repositories of profile %1 (%n node(s))</source>
        <translation>
            <numerusform>the Fernet key repositories of profile %1 (%n node)</numerusform>
            <numerusform>the Fernet key repositories of profile %1 (%n nodes)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Every node has the keys of %1 again (primary %2); fingerprints verified on %n node(s).</source>
        <translation>
            <numerusform>Every node has the keys of %1 again (primary %2); fingerprints verified on %n node.</numerusform>
            <numerusform>Every node has the keys of %1 again (primary %2); fingerprints verified on %n nodes.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Rotated on %1: primary %2; fingerprints verified on %n node(s).</source>
        <translation>
            <numerusform>Rotated on %1: primary %2; fingerprints verified on %n node.</numerusform>
            <numerusform>Rotated on %1: primary %2; fingerprints verified on %n nodes.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PasswordHistoryPrune</name>
    <message numerus="yes">
        <source>Per local user, the current password and the newest %n older one(s) stay ([security_compliance] unique_last_password_count in %1); older rows are deleted. Keystone&apos;s reuse check reads only rows that stay.</source>
        <translation>
            <numerusform>Per local user, the current password and the newest %n older one stay ([security_compliance] unique_last_password_count in %1); older rows are deleted. Keystone&apos;s reuse check reads only rows that stay.</numerusform>
            <numerusform>Per local user, the current password and the newest %n older ones stay ([security_compliance] unique_last_password_count in %1); older rows are deleted. Keystone&apos;s reuse check reads only rows that stay.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n user(s) affected.</source>
        <translation>
            <numerusform>%n user affected.</numerusform>
            <numerusform>%n users affected.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: %n row(s)</source>
        <translation>
            <numerusform>%1: %n row</numerusform>
            <numerusform>%1: %n rows</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Thresholds</name>
    <message numerus="yes">
        <source>%n user(s) locked out</source>
        <translation>
            <numerusform>%n user locked out</numerusform>
            <numerusform>%n users locked out</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>UserUnlock</name>
    <message numerus="yes">
        <source>%n users are named &quot;%1&quot;; give the user ID instead: %2.</source>
        <translation>
            <numerusform>%n user is named &quot;%1&quot;; give the user ID instead: %2.</numerusform>
            <numerusform>%n users are named &quot;%1&quot;; give the user ID instead: %2.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 is locked out after %n failed login(s), the last at %2; Keystone would unlock the account by itself at %3 (in %4).</source>
        <translation>
            <numerusform>%1 is locked out after %n failed login, the last at %2; Keystone would unlock the account by itself at %3 (in %4).</numerusform>
            <numerusform>%1 is locked out after %n failed logins, the last at %2; Keystone would unlock the account by itself at %3 (in %4).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 is locked out after %n failed login(s); the time of the last one is not recorded, so Keystone would not unlock the account by itself.</source>
        <translation>
            <numerusform>%1 is locked out after %n failed login; the time of the last one is not recorded, so Keystone would not unlock the account by itself.</numerusform>
            <numerusform>%1 is locked out after %n failed logins; the time of the last one is not recorded, so Keystone would not unlock the account by itself.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 reached %n failed login(s), but the lockout ended at %2; Keystone resets the counter at the next login attempt anyway.</source>
        <translation>
            <numerusform>%1 reached %n failed login, but the lockout ended at %2; Keystone resets the counter at the next login attempt anyway.</numerusform>
            <numerusform>%1 reached %n failed logins, but the lockout ended at %2; Keystone resets the counter at the next login attempt anyway.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 is not locked; %n failed login(s) are on record, the last at %2.</source>
        <translation>
            <numerusform>%1 is not locked; %n failed login is on record, the last at %2.</numerusform>
            <numerusform>%1 is not locked; %n failed logins are on record, the last at %2.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 has ignore_lockout_failure_attempts set: Keystone never locks this account; %n failure(s) are counted anyway.</source>
        <translation>
            <numerusform>%1 has ignore_lockout_failure_attempts set: Keystone never locks this account; %n failure is counted anyway.</numerusform>
            <numerusform>%1 has ignore_lockout_failure_attempts set: Keystone never locks this account; %n failures are counted anyway.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Keystone also sets last_active_at to today, which restarts the %n-day inactivity clock of this account.</source>
        <translation>
            <numerusform>Keystone also sets last_active_at to today, which restarts the %n-day inactivity clock of this account.</numerusform>
            <numerusform>Keystone also sets last_active_at to today, which restarts the %n-day inactivity clock of this account.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Keystone accepted the update of %1, but %n failed login(s) are still on record.</source>
        <translation>
            <numerusform>Keystone accepted the update of %1, but %n failed login is still on record.</numerusform>
            <numerusform>Keystone accepted the update of %1, but %n failed logins are still on record.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 is unlocked: Keystone reset %n failed login(s).</source>
        <translation>
            <numerusform>%1 is unlocked: Keystone reset %n failed login.</numerusform>
            <numerusform>%1 is unlocked: Keystone reset %n failed logins.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 is unlocked: the database reset %n failed login(s).</source>
        <translation>
            <numerusform>%1 is unlocked: the database reset %n failed login.</numerusform>
            <numerusform>%1 is unlocked: the database reset %n failed logins.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The reset of %1 did not hold: %n failed login(s) on record.</source>
        <translation>
            <numerusform>The reset of %1 did not hold: %n failed login on record.</numerusform>
            <numerusform>The reset of %1 did not hold: %n failed logins on record.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>turnstile::AuditPage</name>
    <message numerus="yes">
        <source>%n record(s) in %1; the hash chain is intact.</source>
        <translation>
            <numerusform>%n record in %1; the hash chain is intact.</numerusform>
            <numerusform>%n records in %1; the hash chain is intact.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>turnstile::BenchmarkDialog</name>
    <message numerus="yes">
        <source>%1 (%n point(s))</source>
        <translation>
            <numerusform>%1 (%n point)</numerusform>
            <numerusform>%1 (%n points)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>turnstile::ComplianceModel</name>
    <message numerus="yes">
        <source>%n failure(s)</source>
        <translation>
            <numerusform>%n failure</numerusform>
            <numerusform>%n failures</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>inactive %n day(s)</source>
        <translation>
            <numerusform>inactive %n day</numerusform>
            <numerusform>inactive %n days</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>inactive %n day(s), stored disabled</source>
        <translation>
            <numerusform>inactive %n day, stored disabled</numerusform>
            <numerusform>inactive %n days, stored disabled</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 within %n day(s)</source>
        <translation>
            <numerusform>%1 within %n day</numerusform>
            <numerusform>%1 within %n days</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>turnstile::CompliancePage</name>
    <message numerus="yes">
        <source>Next %n day(s)</source>
        <translation>
            <numerusform>Next %n day</numerusform>
            <numerusform>Next %n days</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>lockout after %n failure(s) for %1 s</source>
        <translation>
            <numerusform>lockout after %n failure for %1 s</numerusform>
            <numerusform>lockout after %n failures for %1 s</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>disabled after %n day(s) of inactivity</source>
        <translation>
            <numerusform>disabled after %n day of inactivity</numerusform>
            <numerusform>disabled after %n days of inactivity</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>passwords expire after %n day(s)</source>
        <translation>
            <numerusform>passwords expire after %n day</numerusform>
            <numerusform>passwords expire after %n days</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>turnstile::DatabasePage</name>
    <message numerus="yes">
        <source>%1 · %n table(s) in %2 schema(s), read in %3 ms</source>
        <translation>
            <numerusform>%1 · %n table in %2 schema(s), read in %3 ms</numerusform>
            <numerusform>%1 · %n tables in %2 schema(s), read in %3 ms</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>· %n other database(s)</source>
        <translation>
            <numerusform>· %n other database</numerusform>
            <numerusform>· %n other databases</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>· growth per day over the last %n day(s) of history</source>
        <translation>
            <numerusform>· growth per day over the last %n day of history</numerusform>
            <numerusform>· growth per day over the last %n days of history</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Galera: %n node(s) expected</source>
        <translation>
            <numerusform>Galera: %n node expected</numerusform>
            <numerusform>Galera: %n nodes expected</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>turnstile::HistoryChartsPage</name>
    <message numerus="yes">
        <source>%1 · %n annotation(s)</source>
        <translation>
            <numerusform>%1 · %n annotation</numerusform>
            <numerusform>%1 · %n annotations</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>turnstile::KeysPage</name>
    <message numerus="yes">
        <source>Profile %1: %n node(s). Keys are read on each node over ssh; only fingerprints (a truncated SHA-256) leave the node.</source>
        <translation>
            <numerusform>Profile %1: %n node. Keys are read on each node over ssh; only fingerprints (a truncated SHA-256) leave the node.</numerusform>
            <numerusform>Profile %1: %n nodes. Keys are read on each node over ssh; only fingerprints (a truncated SHA-256) leave the node.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>turnstile::MainWindow</name>
    <message numerus="yes">
        <source>auto-refresh every %n s</source>
        <translation>
            <numerusform>auto-refresh every %n s</numerusform>
            <numerusform>auto-refresh every %n s</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Imported %n profile(s) from %1.</source>
        <translation>
            <numerusform>Imported %n profile from %1.</numerusform>
            <numerusform>Imported %n profiles from %1.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moved the threshold overrides of %n profile(s) into their own sections of %1.</source>
        <translation>
            <numerusform>Moved the threshold overrides of %n profile into their own sections of %1.</numerusform>
            <numerusform>Moved the threshold overrides of %n profiles into their own sections of %1.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>turnstile::OverviewModel</name>
    <message numerus="yes">
        <source>Token validation over the last %n sample(s): p50 %1, p95 %2, p99 %3</source>
        <translation>
            <numerusform>Token validation over the last %n sample: p50 %1, p95 %2, p99 %3</numerusform>
            <numerusform>Token validation over the last %n samples: p50 %1, p95 %2, p99 %3</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n critical</source>
        <translation>
            <numerusform>%n critical</numerusform>
            <numerusform>%n critical</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n warning</source>
        <translation>
            <numerusform>%n warning</numerusform>
            <numerusform>%n warning</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n OK</source>
        <translation>
            <numerusform>%n OK</numerusform>
            <numerusform>%n OK</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unknown</source>
        <translation>
            <numerusform>%n unknown</numerusform>
            <numerusform>%n unknown</numerusform>
        </translation>
    </message>
</context>
</TS>
