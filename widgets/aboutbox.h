#pragma once

#include <QString>

namespace turnstile {

// The version as built: the project version, and `git describe` of the
// source tree when it was configured from a git checkout ("0.1.0 (git
// 07bf1ad-dirty)"); only the project version for a build from a tarball.
QString buildVersion();
// Help → About: the program, its version, what it is for, and the Qt it runs on.
QString aboutText();

} // namespace turnstile
