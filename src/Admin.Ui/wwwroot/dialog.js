// Modal dialogs (Shared/ConfirmDialog.razor): focus moves into the dialog when it opens, Tab and Shift+Tab stay
// inside it, Escape dismisses it, and focus returns to where it was when the dialog closes.
const focusable = 'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';
const open = new Map();

function tabbable(dialog) {
    return [...dialog.querySelectorAll(focusable)].filter(e => e.getClientRects().length > 0);
}

export function trap(id, dotnet) {
    const dialog = document.getElementById(id);
    if (!dialog || open.has(id)) {
        return;
    }

    const returnTo = document.activeElement;
    const onKeyDown = e => {
        if (e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            dotnet.invokeMethodAsync('DismissFromKeyboard');
            return;
        }

        if (e.key !== 'Tab') {
            return;
        }

        const items = tabbable(dialog);
        const inside = dialog.contains(document.activeElement);
        if (items.length === 0) {
            e.preventDefault();
            dialog.focus();
        } else if (e.shiftKey && (!inside || document.activeElement === items[0] || document.activeElement === dialog)) {
            e.preventDefault();
            items[items.length - 1].focus();
        } else if (!e.shiftKey && (!inside || document.activeElement === items[items.length - 1])) {
            e.preventDefault();
            items[0].focus();
        }
    };
    document.addEventListener('keydown', onKeyDown, true);
    open.set(id, { onKeyDown, returnTo });
    (dialog.querySelector('[data-autofocus]:not([disabled])') ?? tabbable(dialog)[0] ?? dialog).focus();
}

export function release(id) {
    const state = open.get(id);
    if (!state) {
        return;
    }

    open.delete(id);
    document.removeEventListener('keydown', state.onKeyDown, true);
    if (state.returnTo instanceof HTMLElement && state.returnTo.isConnected) {
        state.returnTo.focus();
    }
}
