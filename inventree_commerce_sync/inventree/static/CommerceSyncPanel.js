/* inventree-commerce-sync part panel, built from frontend/ (npm run build); sources sha256 f3944df38a6099c6d147ade04b1bbb931cc5dbd6f4a4e95db48d9af825c4172a */
const Q = {
  synced: { label: "In sync", color: "green" },
  pending: { label: "Pending", color: "yellow" },
  dry_run: { label: "Dry run", color: "blue" },
  not_found: { label: "Not found on target", color: "orange" },
  skipped: { label: "Skipped", color: "orange" },
  error: { label: "Error", color: "red" },
  never_synced: { label: "Never synced", color: "gray" },
  unlinked: { label: "Not linked", color: "gray" }
};
function x(e) {
  return e.status === "synced" && !e.in_sync ? { label: "Changed since last push", color: "yellow" } : Q[e.status] ?? { label: e.status.replace(/_/g, " "), color: "gray" };
}
function E(e, t) {
  if (!e)
    return "-";
  const n = new Date(e);
  return Number.isNaN(n.getTime()) ? e : n.toLocaleString(t ? t.replace("_", "-") : void 0);
}
function k(e) {
  return e == null || e === "" ? "-" : String(e);
}
function J(e, t) {
  return [
    { label: "SKU", value: e.linked ? k(e.sku) : `Not linked: ${e.reason || "no SKU"}` },
    { label: "Remote id", value: k(e.remote_id) },
    { label: "Attempts", value: k(e.attempts) },
    { label: "Last attempt", value: E(e.last_attempt, t) },
    { label: "Last success", value: E(e.last_success, t) }
  ];
}
const X = {
  in_stock: "in stock",
  available: "available (in stock less allocated)",
  available_after_open_orders: "available after open orders (in stock less every open sales order)"
};
function Z(e) {
  return e.startsWith("-") ? e : `+${e}`;
}
function ee(e) {
  const t = e.steps.map((n, r) => ({
    label: n.label,
    value: r === 0 || n.key === "in_stock" && e.steps[r - 1]?.key === "in_stock" ? n.amount : `${Z(n.amount)} = ${n.total}`
  }));
  return t.push({ label: "Figure pushed", value: e.quantity }), e.behaviour === "reserves_open_orders" && t.push({ label: "Offered for sale (the shop subtracts its own open orders)", value: e.sellable }), t;
}
function te(e, t) {
  const n = [];
  return t.quantity_basis && n.push({ label: "Counted as", value: X[t.quantity_basis] ?? t.quantity_basis }), t.buffer !== void 0 && t.buffer !== null && n.push({ label: "Safety buffer", value: t.buffer }), n.push(
    { label: "Quantity to push", value: k(e.quantity) },
    { label: "Last pushed", value: k(e.pushed_quantity) },
    { label: e.dry_run ? "Would push" : "Pending", value: k(e.pending_quantity) }
  ), n;
}
function ne(e, t) {
  return {
    ...e,
    last_error: t.last_error,
    parts: t.parts.length ? t.parts : e.parts
  };
}
function re(e) {
  const t = e.parts[0];
  return t?.last_error && !t.in_sync ? { color: "red", title: "Sync did not succeed", lines: [t.last_error] } : t?.dry_run ? { color: "blue", title: "Dry run: nothing was written", lines: [e.summary ?? "nothing to do"] } : { color: "green", title: "Synced", lines: [e.summary ?? "nothing to do"] };
}
function le(e) {
  const t = e.url ? ` (${e.url})` : "";
  return {
    color: e.ok ? "green" : "red",
    title: e.ok ? `Connection works${t}` : `Connection failed${t}`,
    lines: e.details ?? []
  };
}
function H(e) {
  const t = e ?? {}, n = t.response?.data;
  if (n && typeof n == "object") {
    const r = n, u = r.error ?? r.detail;
    if (typeof u == "string" && u)
      return u;
  }
  return t.response?.status ? `The server answered HTTP ${t.response.status}` : t.message || String(e);
}
function B(e, t) {
  return { color: "red", title: e, lines: [H(t)] };
}
function V(e, t) {
  return !t || /^https?:\/\//.test(e) ? e : t.replace(/\/+$/, "") + e;
}
const q = 5;
function oe(e) {
  return e.import_enabled ? e.dry_run ? { label: "Dry run", color: "blue" } : { label: "Importing", color: "green" } : { label: "Import off", color: "gray" };
}
function ae(e, t) {
  if (!e.webhook)
    return "none: orders are polled";
  const n = e.webhook_registration;
  return n ? `registered ${E(n.at, t)}` : "not registered by this plugin (polling still runs)";
}
function se(e, t) {
  const n = e.last_seen, r = e.needs_attention_count ?? e.needs_attention.length;
  return [
    { label: "Last order seen", value: n ? `${n.number} (changed ${E(n.modified, t)})` : "-" },
    { label: "Orders imported", value: String(e.imported) },
    { label: "Needing attention", value: String(r) },
    { label: "Last poll", value: E(e.last_poll, t) },
    { label: "Last audit", value: E(e.last_audit, t) },
    { label: "Webhook", value: ae(e, t) }
  ];
}
function ie(e, t) {
  return !!t && (e.includes(`'${t}'`) || e.includes(`"${t}"`));
}
function ce(e, t) {
  const n = e.needs_attention.map((o) => {
    const m = [...o.problems, ...o.flag ? [o.flag] : []], f = o.sales_order_reference ? ` - sales order ${o.sales_order_reference}` : "";
    return {
      key: o.order_id,
      title: `Order ${o.number}${f}${o.problems.length ? " (held)" : " (flagged)"}`,
      lines: m,
      thisPart: m.some((d) => ie(d, t))
    };
  }), r = [...n.filter((o) => o.thisPart), ...n.filter((o) => !o.thisPart)], u = e.needs_attention_count ?? n.length;
  return { items: r.slice(0, q), more: Math.max(0, u - Math.min(q, r.length)) };
}
const ue = {
  create: "would create a sales order",
  update: "would change the lines",
  cancel: "would cancel the sales order",
  flag: "would be flagged",
  skip: "would be skipped",
  unchanged: "nothing to change"
};
function de(e) {
  return [...e.would_import].reverse().slice(0, q).map((t) => {
    const n = t.lines.map((o) => `${o.quantity} x ${o.sku}`).join(", "), r = t.held ? `, held: ${t.problems.join("; ")}` : "", u = t.flag ? ` (${t.flag})` : "";
    return `${t.number}: ${ue[t.action] ?? t.action}${u}${n ? `: ${n}` : ""}${r}`;
  });
}
function Y(e) {
  const t = e.warnings ?? [];
  if (e.registered) {
    const n = (e.webhooks ?? []).map((r) => `${r.topic ?? "webhook"}: ${r.action ?? "registered"}` + (r.id !== void 0 && r.id !== null ? ` (id ${r.id})` : ""));
    return {
      color: "green",
      title: "Webhook registered",
      lines: [
        `Delivery URL: ${e.delivery_url ?? "-"}`,
        ...n,
        ...e.secret_generated ? ["A webhook secret was generated and stored in the plugin settings."] : [],
        ...t
      ]
    };
  }
  return {
    color: e.instructions ? "yellow" : "red",
    title: e.instructions ? "Set up the webhook by hand" : "The webhook was not registered",
    lines: [...e.error ? [e.error] : [], ...e.instructions ? [e.instructions] : [], ...t]
  };
}
function me(e) {
  const t = e?.response?.data;
  return t && typeof t == "object" && "registered" in t ? Y(t) : { color: "red", title: "Register webhook failed", lines: [H(e)] };
}
const w = window.React, ge = window.MantineCore.Alert, C = window.MantineCore.Table, fe = window.MantineCore.Text;
function T({ outcome: e, onClose: t }) {
  return /* @__PURE__ */ w.createElement(ge, { color: e.color, title: e.title, withCloseButton: !0, onClose: t }, e.lines.map((n, r) => /* @__PURE__ */ w.createElement(fe, { size: "sm", key: r }, n)));
}
function M({ lines: e, children: t }) {
  return /* @__PURE__ */ w.createElement(C, { striped: !0, withTableBorder: !0, withColumnBorders: !0 }, /* @__PURE__ */ w.createElement(C.Tbody, null, t, e.map((n, r) => /* @__PURE__ */ w.createElement(C.Tr, { key: `${r}:${n.label}` }, /* @__PURE__ */ w.createElement(C.Th, { w: "30%" }, n.label), /* @__PURE__ */ w.createElement(C.Td, null, n.value)))));
}
const a = window.React, he = window.React.useCallback, D = window.React.useState, O = window.MantineCore.Alert, be = window.MantineCore.Anchor, pe = window.MantineCore.Badge, we = window.MantineCore.Button, W = window.MantineCore.Group, S = window.MantineCore.List, G = window.MantineCore.Stack, U = window.MantineCore.Text, _e = window.MantineCore.Title;
function ye({ orders: e, api: t, host: n, locale: r, sku: u, reload: o }) {
  const [m, f] = D(!1), [d, h] = D(null), _ = he(() => {
    e.register_webhook_url && (f(!0), h(null), t.post(e.register_webhook_url, {}).then((i) => {
      h(Y(i.data)), o();
    }).catch((i) => h(me(i))).finally(() => f(!1)));
  }, [t, e.register_webhook_url, o]), $ = oe(e), b = ce(e, u), v = e.dry_run ? de(e) : [];
  return /* @__PURE__ */ a.createElement(G, { gap: "xs" }, /* @__PURE__ */ a.createElement(W, { gap: "sm" }, /* @__PURE__ */ a.createElement(_e, { order: 5 }, "Orders"), /* @__PURE__ */ a.createElement(pe, { color: $.color, variant: "light" }, $.label)), /* @__PURE__ */ a.createElement(M, { lines: se(e, r) }), e.last_error && /* @__PURE__ */ a.createElement(O, { color: "red", title: "Last order import error" }, e.last_error), b.items.length > 0 && /* @__PURE__ */ a.createElement(O, { color: "orange", title: "Orders needing attention" }, /* @__PURE__ */ a.createElement(G, { gap: 4 }, b.items.map((i) => /* @__PURE__ */ a.createElement("div", { key: i.key }, /* @__PURE__ */ a.createElement(U, { size: "sm", fw: i.thisPart ? 700 : 500 }, i.title), /* @__PURE__ */ a.createElement(S, { size: "sm" }, i.lines.map((g, R) => /* @__PURE__ */ a.createElement(S.Item, { key: R }, g))))), b.more > 0 && /* @__PURE__ */ a.createElement(U, { size: "sm" }, "and ", b.more, " more (see the CSV)"))), v.length > 0 && /* @__PURE__ */ a.createElement(O, { color: "blue", title: "Dry run: would import" }, /* @__PURE__ */ a.createElement(S, { size: "sm" }, v.map((i, g) => /* @__PURE__ */ a.createElement(S.Item, { key: g }, i)))), /* @__PURE__ */ a.createElement(W, { gap: "sm" }, e.register_webhook_url && /* @__PURE__ */ a.createElement(we, { variant: "outline", onClick: _, loading: m }, "Register webhook"), /* @__PURE__ */ a.createElement(be, { href: V(e.csv_url, n), size: "sm" }, "Orders needing attention (CSV)")), d && /* @__PURE__ */ a.createElement(T, { outcome: d, onClose: () => h(null) }));
}
const l = window.React, N = window.React.useCallback, Ee = window.React.useEffect, y = window.React.useState, p = window.MantineCore.Alert, ke = window.MantineCore.Anchor, Ce = window.MantineCore.Badge, P = window.MantineCore.Button, I = window.MantineCore.Group, $e = window.MantineCore.Loader, j = window.MantineCore.Stack, z = window.MantineCore.Table, F = window.MantineCore.Text;
function ve({ context: e }) {
  const t = e.context, n = e.id, [r, u] = y(null), [o, m] = y(null), [f, d] = y(null), [h, _] = y(null), [$, b] = y(!1), [v, i] = y(!1), g = N(() => {
    t && (m(null), e.api.get(t.status_url, { params: { part: n } }).then((s) => u(s.data)).catch((s) => m(B("Could not load the sync status", s))));
  }, [e.api, t?.status_url, n]);
  Ee(g, [g]);
  const R = N(() => {
    t && (b(!0), d(null), e.api.post(t.sync_url, { part: n }).then((s) => {
      u((A) => A && ne(A, s.data)), d(re(s.data));
    }).catch((s) => d(B("Sync now failed", s))).finally(() => b(!1)));
  }, [e.api, t?.sync_url, n]), K = N(() => {
    t && (i(!0), _(null), e.api.post(t.check_url, {}).then((s) => _(le(s.data))).catch((s) => _(B("Test connection failed", s))).finally(() => i(!1)));
  }, [e.api, t?.check_url]);
  if (!t)
    return /* @__PURE__ */ l.createElement(p, { color: "red", title: "Panel misconfigured" }, "The plugin sent no URLs for this panel.");
  if (o)
    return /* @__PURE__ */ l.createElement(j, { gap: "xs" }, /* @__PURE__ */ l.createElement(T, { outcome: o, onClose: () => m(null) }), /* @__PURE__ */ l.createElement(I, null, /* @__PURE__ */ l.createElement(P, { variant: "outline", onClick: g }, "Retry")));
  if (!r)
    return /* @__PURE__ */ l.createElement(I, { gap: "xs" }, /* @__PURE__ */ l.createElement($e, { size: "sm" }), /* @__PURE__ */ l.createElement(F, { size: "sm" }, "Loading sync status..."));
  const c = r.parts[0], L = c ? x(c) : null;
  return /* @__PURE__ */ l.createElement(j, { gap: "sm" }, r.warnings.map((s) => /* @__PURE__ */ l.createElement(p, { color: "yellow", title: "Warning", key: s }, s)), r.dry_run && /* @__PURE__ */ l.createElement(p, { color: "blue", title: "Dry run" }, "Nothing is written to ", t.target, ": the status shows what would be pushed."), r.last_error && /* @__PURE__ */ l.createElement(p, { color: "red", title: "Last sync error" }, r.last_error), r.orders_stale && /* @__PURE__ */ l.createElement(p, { color: "yellow", title: "Orders are stale" }, "The last push could not read the shop's new orders first, so a sale made there may not be counted yet: ", r.orders_stale), c && L ? /* @__PURE__ */ l.createElement(l.Fragment, null, /* @__PURE__ */ l.createElement(M, { lines: J(c, e.locale) }, /* @__PURE__ */ l.createElement(z.Tr, null, /* @__PURE__ */ l.createElement(z.Th, { w: "30%" }, "Status"), /* @__PURE__ */ l.createElement(z.Td, null, /* @__PURE__ */ l.createElement(Ce, { color: L.color, variant: "filled" }, L.label)))), c.last_error && /* @__PURE__ */ l.createElement(p, { color: "red", title: "Error for this part" }, c.last_error), c.linked && /* @__PURE__ */ l.createElement(M, { lines: te(c, r) }), c.linked && c.offer && /* @__PURE__ */ l.createElement(l.Fragment, null, /* @__PURE__ */ l.createElement(F, { size: "sm", fw: 500 }, "How this number was made"), /* @__PURE__ */ l.createElement(M, { lines: ee(c.offer) }))) : /* @__PURE__ */ l.createElement(p, { color: "gray", title: "No status" }, "No status for this part."), /* @__PURE__ */ l.createElement(I, { gap: "sm" }, /* @__PURE__ */ l.createElement(P, { onClick: R, loading: $, disabled: !c?.linked }, "Sync now"), /* @__PURE__ */ l.createElement(P, { variant: "outline", onClick: K, loading: v }, "Test connection"), /* @__PURE__ */ l.createElement(ke, { href: V(t.csv_url, e.host), size: "sm" }, "Parts not in sync (CSV)")), f && /* @__PURE__ */ l.createElement(T, { outcome: f, onClose: () => d(null) }), h && /* @__PURE__ */ l.createElement(T, { outcome: h, onClose: () => _(null) }), r.orders && /* @__PURE__ */ l.createElement(
    ye,
    {
      orders: r.orders,
      api: e.api,
      host: e.host,
      locale: e.locale,
      sku: c?.sku,
      reload: g
    }
  ));
}
function Se(e) {
  return /* @__PURE__ */ l.createElement(ve, { context: e });
}
export {
  ve as CommerceSyncPanel,
  Se as renderPanel
};
