// The initial passwords of the last account import, held in memory only (never in storage)
// from the import dialog to the printable sheet (print/AccountSheetView.vue), which drops
// them when it is left: they are shown once, as the server never stores them.
let held = null;

export function holdImported(result) {
  held = { ...result, at: new Date() };
}

export function heldImported() {
  return held;
}

export function dropImported() {
  held = null;
}
