// Once Publish, Save draft or Submit sends the editor's form, autosave stops. A change made a moment
// before is in the form being sent; Wagtail's autosave of that change, due half a second later,
// otherwise goes out while the form is on its way, and the server refuses it as older than the
// version just saved (a 400 and a console error behind every quick Publish).
// Returns the autosave already on its way, if there is one.
function stopAutosave(form) {
    const autosave = window.wagtail?.app?.getControllerForElementAndIdentifier(form, "w-autosave");
    if (autosave) {
        // Its save() does nothing while inactive, including the one Wagtail's debounce still has due.
        autosave.activeValue = false;
    }
    return autosave?.submitPromise;
}

document.addEventListener("submit", (event) => {
    const form = event.target;
    // Left alone when something stopped the sending (a confirmation asked first, say).
    if (event.defaultPrevented || !form.matches("form[data-edit-form]")) {
        return;
    }
    const inFlight = stopAutosave(form);
    if (!inFlight) {
        return;
    }
    // An autosave already on its way can be written after this save (the server checks for a newer
    // version, then writes), and then looks like a newer version: the reloaded editor says so and
    // asks before the next Publish. So the form waits for it and goes the moment it has landed.
    event.preventDefault();
    const submitter = event.submitter;
    inFlight.finally(() => {
        // form.submit() sends no button, and Wagtail has disabled the one pressed meanwhile
        // (which would leave it out too): its name and value go as a field, as the browser sends it.
        if (submitter?.name) {
            const pressed = document.createElement("input");
            pressed.type = "hidden";
            pressed.name = submitter.name;
            pressed.value = submitter.value;
            form.append(pressed);
        }
        form.submit();
    });
});

// Approve or Request changes, confirmed in the editor, is sent by Wagtail's own script
// (workflow-action.js adds hidden inputs to the form, then submits it through jQuery, which fires
// no submit event), so the listener above never hears it and an autosave still due was refused
// after it. The hidden input appearing is the sign that the form is on its way.
document.addEventListener("DOMContentLoaded", () => {
    for (const form of document.querySelectorAll("form[data-edit-form]")) {
        new MutationObserver(() => {
            if (form.querySelector('input[name="action-workflow-action"]')) {
                stopAutosave(form);
            }
        }).observe(form, { childList: true });
    }
});

// Wagtail autosaves whenever its change check finds the form different from a snapshot taken two
// seconds after loading. On a slow or busy computer some widgets finish drawing after that
// snapshot, so a person who has only opened the editor autosaved a revision of their own, and a
// colleague's real autosave was then refused as older ("Saving will overwrite a newer version").
// Until the person has touched the page, nothing of theirs needs saving: such a save is cancelled
// and the snapshot retaken from the settled form.
let personHasTouchedThePage = false;
for (const type of ["keydown", "beforeinput", "input", "paste", "drop", "pointerdown", "change"]) {
    document.addEventListener(type, (event) => {
        if (event.isTrusted) {
            personHasTouchedThePage = true;
        }
    }, { capture: true });
}

document.addEventListener("w-autosave:save", (event) => {
    const form = event.target;
    if (personHasTouchedThePage || !(form instanceof HTMLFormElement) || !form.matches("form[data-edit-form]")) {
        return;
    }
    // A form shown again after a refused Publish holds the person's unsaved words: Wagtail marks it
    // "forced" as having edits, and those must still be saved and warned about.
    if (form.dataset.wUnsavedForceValue === "true") {
        return;
    }
    event.preventDefault();
    window.wagtail?.app?.getControllerForElementAndIdentifier(form, "w-unsaved")?.clear();
}, { capture: true });
