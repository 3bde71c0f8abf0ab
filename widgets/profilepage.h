#pragma once

namespace turnstile {

struct ProfileSelection;

// A page of the main window. The window tells every page of its page table
// (pagetable.h) what the profile chooser says through this one entry point,
// in one loop; a page takes from the selection what it shows (one profile,
// all of them, the list for its own chooser).
class ProfilePage
{
public:
    virtual ~ProfilePage() = default;
    // Called on the GUI thread whenever the chooser or the profile store
    // changes; also with an unchanged selection, so it must be cheap then.
    virtual void selectionChanged(const ProfileSelection &selection) = 0;

protected:
    ProfilePage() = default;
    ProfilePage(const ProfilePage &) = default;
    ProfilePage &operator=(const ProfilePage &) = default;
};

} // namespace turnstile
