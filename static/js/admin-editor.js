// Once Publish, Save draft or Submit sends the editor's form, autosave stops. A change made a moment
// before is in the form being sent; Wagtail's autosave of that change, due half a second later,
// otherwise goes out while the form is on its way, and the server refuses it as older than the
// version just saved (a 400 and a console error behind every quick Publish).
document.addEventListener("submit", (event) => {
    const form = event.target;
    // Left alone when something stopped the sending (a confirmation asked first, say).
    if (event.defaultPrevented || !form.matches("form[data-edit-form]")) {
        return;
    }
    const autosave = window.wagtail?.app?.getControllerForElementAndIdentifier(form, "w-autosave");
    if (autosave) {
        // Its save() does nothing while inactive, including the one Wagtail's debounce still has due.
        autosave.activeValue = false;
    }
});
