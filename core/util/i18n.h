#pragma once

class QCoreApplication;

namespace turnstile {

// Installs Turnstile's and Qt's translators for the system locale
// (LANG=de_DE.UTF-8 gives German). Translations are embedded under :/i18n.
void installTranslations(QCoreApplication &app);

} // namespace turnstile
