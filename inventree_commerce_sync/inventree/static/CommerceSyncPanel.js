/* inventree-commerce-sync part panel, built from frontend/ (npm run build); sources sha256 920ac90452c54b7cbee4412e95c24c363ece31e4f49d14756b8ba79f148bad20 */
const D = {
  synced: { label: "In sync", color: "green" },
  pending: { label: "Pending", color: "yellow" },
  dry_run: { label: "Dry run", color: "blue" },
  not_found: { label: "Not found on target", color: "orange" },
  skipped: { label: "Skipped", color: "orange" },
  error: { label: "Error", color: "red" },
  never_synced: { label: "Never synced", color: "gray" },
  unlinked: { label: "Not linked", color: "gray" }
};
function z(e) {
  return e.status === "synced" && !e.in_sync ? { label: "Changed since last push", color: "yellow" } : D[e.status] ?? { label: e.status.replace(/_/g, " "), color: "gray" };
}
function M(e, t) {
  if (!e)
    return "-";
  const r = new Date(e);
  return Number.isNaN(r.getTime()) ? e : r.toLocaleString(t ? t.replace("_", "-") : void 0);
}
function d(e) {
  return e == null || e === "" ? "-" : String(e);
}
function O(e, t) {
  return [
    { label: "SKU", value: e.linked ? d(e.sku) : `Not linked: ${e.reason || "no SKU"}` },
    { label: "Remote id", value: d(e.remote_id) },
    { label: "Attempts", value: d(e.attempts) },
    { label: "Last attempt", value: M(e.last_attempt, t) },
    { label: "Last success", value: M(e.last_success, t) }
  ];
}
const U = {
  in_stock: "in stock",
  available: "available (in stock less allocated)"
};
function G(e, t) {
  const r = [];
  return t.quantity_basis && r.push({ label: "Counted as", value: U[t.quantity_basis] ?? t.quantity_basis }), t.buffer !== void 0 && t.buffer !== null && r.push({ label: "Safety buffer", value: t.buffer }), r.push(
    { label: "Quantity to push", value: d(e.quantity) },
    { label: "Last pushed", value: d(e.pushed_quantity) },
    { label: e.dry_run ? "Would push" : "Pending", value: d(e.pending_quantity) }
  ), r;
}
function I(e, t) {
  return {
    ...e,
    last_error: t.last_error,
    parts: t.parts.length ? t.parts : e.parts
  };
}
function Y(e) {
  const t = e.parts[0];
  return t?.last_error && !t.in_sync ? { color: "red", title: "Sync did not succeed", lines: [t.last_error] } : t?.dry_run ? { color: "blue", title: "Dry run: nothing was written", lines: [e.summary ?? "nothing to do"] } : { color: "green", title: "Synced", lines: [e.summary ?? "nothing to do"] };
}
function K(e) {
  const t = e.url ? ` (${e.url})` : "";
  return {
    color: e.ok ? "green" : "red",
    title: e.ok ? `Connection works${t}` : `Connection failed${t}`,
    lines: e.details ?? []
  };
}
function W(e) {
  const t = e ?? {}, r = t.response?.data;
  if (r && typeof r == "object") {
    const a = r, i = a.error ?? a.detail;
    if (typeof i == "string" && i)
      return i;
  }
  return t.response?.status ? `The server answered HTTP ${t.response.status}` : t.message || String(e);
}
function h(e, t) {
  return { color: "red", title: e, lines: [W(t)] };
}
function j(e, t) {
  return !t || /^https?:\/\//.test(e) ? e : t.replace(/\/+$/, "") + e;
}
const n = window.React, E = window.React.useCallback, F = window.React.useEffect, u = window.React.useState, c = window.MantineCore.Alert, H = window.MantineCore.Anchor, Q = window.MantineCore.Badge, _ = window.MantineCore.Button, k = window.MantineCore.Group, V = window.MantineCore.Loader, R = window.MantineCore.Stack, s = window.MantineCore.Table, B = window.MantineCore.Text;
function w({ outcome: e, onClose: t }) {
  return /* @__PURE__ */ n.createElement(c, { color: e.color, title: e.title, withCloseButton: !0, onClose: t }, e.lines.map((r, a) => /* @__PURE__ */ n.createElement(B, { size: "sm", key: a }, r)));
}
function N({ lines: e, children: t }) {
  return /* @__PURE__ */ n.createElement(s, { striped: !0, withTableBorder: !0, withColumnBorders: !0 }, /* @__PURE__ */ n.createElement(s.Tbody, null, t, e.map((r) => /* @__PURE__ */ n.createElement(s.Tr, { key: r.label }, /* @__PURE__ */ n.createElement(s.Th, { w: "30%" }, r.label), /* @__PURE__ */ n.createElement(s.Td, null, r.value)))));
}
function J({ context: e }) {
  const t = e.context, r = e.id, [a, i] = u(null), [C, y] = u(null), [S, m] = u(null), [T, f] = u(null), [P, v] = u(!1), [A, L] = u(!1), p = E(() => {
    t && (y(null), e.api.get(t.status_url, { params: { part: r } }).then((l) => i(l.data)).catch((l) => y(h("Could not load the sync status", l))));
  }, [e.api, t?.status_url, r]);
  F(p, [p]);
  const q = E(() => {
    t && (v(!0), m(null), e.api.post(t.sync_url, { part: r }).then((l) => {
      i((g) => g && I(g, l.data)), m(Y(l.data));
    }).catch((l) => m(h("Sync now failed", l))).finally(() => v(!1)));
  }, [e.api, t?.sync_url, r]), $ = E(() => {
    t && (L(!0), f(null), e.api.post(t.check_url, {}).then((l) => f(K(l.data))).catch((l) => f(h("Test connection failed", l))).finally(() => L(!1)));
  }, [e.api, t?.check_url]);
  if (!t)
    return /* @__PURE__ */ n.createElement(c, { color: "red", title: "Panel misconfigured" }, "The plugin sent no URLs for this panel.");
  if (C)
    return /* @__PURE__ */ n.createElement(R, { gap: "xs" }, /* @__PURE__ */ n.createElement(w, { outcome: C, onClose: () => y(null) }), /* @__PURE__ */ n.createElement(k, null, /* @__PURE__ */ n.createElement(_, { variant: "outline", onClick: p }, "Retry")));
  if (!a)
    return /* @__PURE__ */ n.createElement(k, { gap: "xs" }, /* @__PURE__ */ n.createElement(V, { size: "sm" }), /* @__PURE__ */ n.createElement(B, { size: "sm" }, "Loading sync status..."));
  const o = a.parts[0], b = o ? z(o) : null;
  return /* @__PURE__ */ n.createElement(R, { gap: "sm" }, a.warnings.map((l) => /* @__PURE__ */ n.createElement(c, { color: "yellow", title: "Warning", key: l }, l)), a.dry_run && /* @__PURE__ */ n.createElement(c, { color: "blue", title: "Dry run" }, "Nothing is written to ", t.target, ": the status shows what would be pushed."), a.last_error && /* @__PURE__ */ n.createElement(c, { color: "red", title: "Last sync error" }, a.last_error), o && b ? /* @__PURE__ */ n.createElement(n.Fragment, null, /* @__PURE__ */ n.createElement(N, { lines: O(o, e.locale) }, /* @__PURE__ */ n.createElement(s.Tr, null, /* @__PURE__ */ n.createElement(s.Th, { w: "30%" }, "Status"), /* @__PURE__ */ n.createElement(s.Td, null, /* @__PURE__ */ n.createElement(Q, { color: b.color, variant: "filled" }, b.label)))), o.last_error && /* @__PURE__ */ n.createElement(c, { color: "red", title: "Error for this part" }, o.last_error), o.linked && /* @__PURE__ */ n.createElement(N, { lines: G(o, a) })) : /* @__PURE__ */ n.createElement(c, { color: "gray", title: "No status" }, "No status for this part."), /* @__PURE__ */ n.createElement(k, { gap: "sm" }, /* @__PURE__ */ n.createElement(_, { onClick: q, loading: P, disabled: !o?.linked }, "Sync now"), /* @__PURE__ */ n.createElement(_, { variant: "outline", onClick: $, loading: A }, "Test connection"), /* @__PURE__ */ n.createElement(H, { href: j(t.csv_url, e.host), size: "sm" }, "Parts not in sync (CSV)")), S && /* @__PURE__ */ n.createElement(w, { outcome: S, onClose: () => m(null) }), T && /* @__PURE__ */ n.createElement(w, { outcome: T, onClose: () => f(null) }));
}
function X(e) {
  return /* @__PURE__ */ n.createElement(J, { context: e });
}
export {
  J as CommerceSyncPanel,
  X as renderPanel
};
