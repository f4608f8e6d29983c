/* inventree-commerce-sync part panel, built from frontend/ (npm run build); sources sha256 6148ada380578a3ce528bc3c9f7d4cefc5d4454f2828c3efb521827b654c31f0 */
const K = {
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
  return e.status === "synced" && !e.in_sync ? { label: "Changed since last push", color: "yellow" } : K[e.status] ?? { label: e.status.replace(/_/g, " "), color: "gray" };
}
function _(e, t) {
  if (!e)
    return "-";
  const n = new Date(e);
  return Number.isNaN(n.getTime()) ? e : n.toLocaleString(t ? t.replace("_", "-") : void 0);
}
function k(e) {
  return e == null || e === "" ? "-" : String(e);
}
function Q(e, t) {
  return [
    { label: "SKU", value: e.linked ? k(e.sku) : `Not linked: ${e.reason || "no SKU"}` },
    { label: "Remote id", value: k(e.remote_id) },
    { label: "Attempts", value: k(e.attempts) },
    { label: "Last attempt", value: _(e.last_attempt, t) },
    { label: "Last success", value: _(e.last_success, t) }
  ];
}
const J = {
  in_stock: "in stock",
  available: "available (in stock less allocated)"
};
function X(e, t) {
  const n = [];
  return t.quantity_basis && n.push({ label: "Counted as", value: J[t.quantity_basis] ?? t.quantity_basis }), t.buffer !== void 0 && t.buffer !== null && n.push({ label: "Safety buffer", value: t.buffer }), n.push(
    { label: "Quantity to push", value: k(e.quantity) },
    { label: "Last pushed", value: k(e.pushed_quantity) },
    { label: e.dry_run ? "Would push" : "Pending", value: k(e.pending_quantity) }
  ), n;
}
function Z(e, t) {
  return {
    ...e,
    last_error: t.last_error,
    parts: t.parts.length ? t.parts : e.parts
  };
}
function ee(e) {
  const t = e.parts[0];
  return t?.last_error && !t.in_sync ? { color: "red", title: "Sync did not succeed", lines: [t.last_error] } : t?.dry_run ? { color: "blue", title: "Dry run: nothing was written", lines: [e.summary ?? "nothing to do"] } : { color: "green", title: "Synced", lines: [e.summary ?? "nothing to do"] };
}
function te(e) {
  const t = e.url ? ` (${e.url})` : "";
  return {
    color: e.ok ? "green" : "red",
    title: e.ok ? `Connection works${t}` : `Connection failed${t}`,
    lines: e.details ?? []
  };
}
function V(e) {
  const t = e ?? {}, n = t.response?.data;
  if (n && typeof n == "object") {
    const l = n, c = l.error ?? l.detail;
    if (typeof c == "string" && c)
      return c;
  }
  return t.response?.status ? `The server answered HTTP ${t.response.status}` : t.message || String(e);
}
function A(e, t) {
  return { color: "red", title: e, lines: [V(t)] };
}
function Y(e, t) {
  return !t || /^https?:\/\//.test(e) ? e : t.replace(/\/+$/, "") + e;
}
const z = 5;
function ne(e) {
  return e.import_enabled ? e.dry_run ? { label: "Dry run", color: "blue" } : { label: "Importing", color: "green" } : { label: "Import off", color: "gray" };
}
function re(e, t) {
  if (!e.webhook)
    return "none: orders are polled";
  const n = e.webhook_registration;
  return n ? `registered ${_(n.at, t)}` : "not registered by this plugin (polling still runs)";
}
function le(e, t) {
  const n = e.last_seen, l = e.needs_attention_count ?? e.needs_attention.length;
  return [
    { label: "Last order seen", value: n ? `${n.number} (changed ${_(n.modified, t)})` : "-" },
    { label: "Orders imported", value: String(e.imported) },
    { label: "Needing attention", value: String(l) },
    { label: "Last poll", value: _(e.last_poll, t) },
    { label: "Last audit", value: _(e.last_audit, t) },
    { label: "Webhook", value: re(e, t) }
  ];
}
function oe(e, t) {
  return !!t && (e.includes(`'${t}'`) || e.includes(`"${t}"`));
}
function ae(e, t) {
  const n = e.needs_attention.map((o) => {
    const m = [...o.problems, ...o.flag ? [o.flag] : []], f = o.sales_order_reference ? ` - sales order ${o.sales_order_reference}` : "";
    return {
      key: o.order_id,
      title: `Order ${o.number}${f}${o.problems.length ? " (held)" : " (flagged)"}`,
      lines: m,
      thisPart: m.some((d) => oe(d, t))
    };
  }), l = [...n.filter((o) => o.thisPart), ...n.filter((o) => !o.thisPart)], c = e.needs_attention_count ?? n.length;
  return { items: l.slice(0, z), more: Math.max(0, c - Math.min(z, l.length)) };
}
const se = {
  create: "would create a sales order",
  update: "would change the lines",
  cancel: "would cancel the sales order",
  flag: "would be flagged",
  skip: "would be skipped",
  unchanged: "nothing to change"
};
function ie(e) {
  return [...e.would_import].reverse().slice(0, z).map((t) => {
    const n = t.lines.map((o) => `${o.quantity} x ${o.sku}`).join(", "), l = t.held ? `, held: ${t.problems.join("; ")}` : "", c = t.flag ? ` (${t.flag})` : "";
    return `${t.number}: ${se[t.action] ?? t.action}${c}${n ? `: ${n}` : ""}${l}`;
  });
}
function F(e) {
  const t = e.warnings ?? [];
  if (e.registered) {
    const n = (e.webhooks ?? []).map((l) => `${l.topic ?? "webhook"}: ${l.action ?? "registered"}` + (l.id !== void 0 && l.id !== null ? ` (id ${l.id})` : ""));
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
function ce(e) {
  const t = e?.response?.data;
  return t && typeof t == "object" && "registered" in t ? F(t) : { color: "red", title: "Register webhook failed", lines: [V(e)] };
}
const p = window.React, ue = window.MantineCore.Alert, C = window.MantineCore.Table, de = window.MantineCore.Text;
function v({ outcome: e, onClose: t }) {
  return /* @__PURE__ */ p.createElement(ue, { color: e.color, title: e.title, withCloseButton: !0, onClose: t }, e.lines.map((n, l) => /* @__PURE__ */ p.createElement(de, { size: "sm", key: l }, n)));
}
function q({ lines: e, children: t }) {
  return /* @__PURE__ */ p.createElement(C, { striped: !0, withTableBorder: !0, withColumnBorders: !0 }, /* @__PURE__ */ p.createElement(C.Tbody, null, t, e.map((n) => /* @__PURE__ */ p.createElement(C.Tr, { key: n.label }, /* @__PURE__ */ p.createElement(C.Th, { w: "30%" }, n.label), /* @__PURE__ */ p.createElement(C.Td, null, n.value)))));
}
const a = window.React, me = window.React.useCallback, D = window.React.useState, B = window.MantineCore.Alert, ge = window.MantineCore.Anchor, fe = window.MantineCore.Badge, he = window.MantineCore.Button, W = window.MantineCore.Group, T = window.MantineCore.List, G = window.MantineCore.Stack, U = window.MantineCore.Text, be = window.MantineCore.Title;
function pe({ orders: e, api: t, host: n, locale: l, sku: c, reload: o }) {
  const [m, f] = D(!1), [d, h] = D(null), w = me(() => {
    e.register_webhook_url && (f(!0), h(null), t.post(e.register_webhook_url, {}).then((i) => {
      h(F(i.data)), o();
    }).catch((i) => h(ce(i))).finally(() => f(!1)));
  }, [t, e.register_webhook_url, o]), $ = ne(e), b = ae(e, c), S = e.dry_run ? ie(e) : [];
  return /* @__PURE__ */ a.createElement(G, { gap: "xs" }, /* @__PURE__ */ a.createElement(W, { gap: "sm" }, /* @__PURE__ */ a.createElement(be, { order: 5 }, "Orders"), /* @__PURE__ */ a.createElement(fe, { color: $.color, variant: "light" }, $.label)), /* @__PURE__ */ a.createElement(q, { lines: le(e, l) }), e.last_error && /* @__PURE__ */ a.createElement(B, { color: "red", title: "Last order import error" }, e.last_error), b.items.length > 0 && /* @__PURE__ */ a.createElement(B, { color: "orange", title: "Orders needing attention" }, /* @__PURE__ */ a.createElement(G, { gap: 4 }, b.items.map((i) => /* @__PURE__ */ a.createElement("div", { key: i.key }, /* @__PURE__ */ a.createElement(U, { size: "sm", fw: i.thisPart ? 700 : 500 }, i.title), /* @__PURE__ */ a.createElement(T, { size: "sm" }, i.lines.map((g, M) => /* @__PURE__ */ a.createElement(T.Item, { key: M }, g))))), b.more > 0 && /* @__PURE__ */ a.createElement(U, { size: "sm" }, "and ", b.more, " more (see the CSV)"))), S.length > 0 && /* @__PURE__ */ a.createElement(B, { color: "blue", title: "Dry run: would import" }, /* @__PURE__ */ a.createElement(T, { size: "sm" }, S.map((i, g) => /* @__PURE__ */ a.createElement(T.Item, { key: g }, i)))), /* @__PURE__ */ a.createElement(W, { gap: "sm" }, e.register_webhook_url && /* @__PURE__ */ a.createElement(he, { variant: "outline", onClick: w, loading: m }, "Register webhook"), /* @__PURE__ */ a.createElement(ge, { href: Y(e.csv_url, n), size: "sm" }, "Orders needing attention (CSV)")), d && /* @__PURE__ */ a.createElement(v, { outcome: d, onClose: () => h(null) }));
}
const r = window.React, N = window.React.useCallback, we = window.React.useEffect, y = window.React.useState, E = window.MantineCore.Alert, ye = window.MantineCore.Anchor, Ee = window.MantineCore.Badge, O = window.MantineCore.Button, P = window.MantineCore.Group, _e = window.MantineCore.Loader, j = window.MantineCore.Stack, I = window.MantineCore.Table, ke = window.MantineCore.Text;
function Ce({ context: e }) {
  const t = e.context, n = e.id, [l, c] = y(null), [o, m] = y(null), [f, d] = y(null), [h, w] = y(null), [$, b] = y(!1), [S, i] = y(!1), g = N(() => {
    t && (m(null), e.api.get(t.status_url, { params: { part: n } }).then((s) => c(s.data)).catch((s) => m(A("Could not load the sync status", s))));
  }, [e.api, t?.status_url, n]);
  we(g, [g]);
  const M = N(() => {
    t && (b(!0), d(null), e.api.post(t.sync_url, { part: n }).then((s) => {
      c((L) => L && Z(L, s.data)), d(ee(s.data));
    }).catch((s) => d(A("Sync now failed", s))).finally(() => b(!1)));
  }, [e.api, t?.sync_url, n]), H = N(() => {
    t && (i(!0), w(null), e.api.post(t.check_url, {}).then((s) => w(te(s.data))).catch((s) => w(A("Test connection failed", s))).finally(() => i(!1)));
  }, [e.api, t?.check_url]);
  if (!t)
    return /* @__PURE__ */ r.createElement(E, { color: "red", title: "Panel misconfigured" }, "The plugin sent no URLs for this panel.");
  if (o)
    return /* @__PURE__ */ r.createElement(j, { gap: "xs" }, /* @__PURE__ */ r.createElement(v, { outcome: o, onClose: () => m(null) }), /* @__PURE__ */ r.createElement(P, null, /* @__PURE__ */ r.createElement(O, { variant: "outline", onClick: g }, "Retry")));
  if (!l)
    return /* @__PURE__ */ r.createElement(P, { gap: "xs" }, /* @__PURE__ */ r.createElement(_e, { size: "sm" }), /* @__PURE__ */ r.createElement(ke, { size: "sm" }, "Loading sync status..."));
  const u = l.parts[0], R = u ? x(u) : null;
  return /* @__PURE__ */ r.createElement(j, { gap: "sm" }, l.warnings.map((s) => /* @__PURE__ */ r.createElement(E, { color: "yellow", title: "Warning", key: s }, s)), l.dry_run && /* @__PURE__ */ r.createElement(E, { color: "blue", title: "Dry run" }, "Nothing is written to ", t.target, ": the status shows what would be pushed."), l.last_error && /* @__PURE__ */ r.createElement(E, { color: "red", title: "Last sync error" }, l.last_error), u && R ? /* @__PURE__ */ r.createElement(r.Fragment, null, /* @__PURE__ */ r.createElement(q, { lines: Q(u, e.locale) }, /* @__PURE__ */ r.createElement(I.Tr, null, /* @__PURE__ */ r.createElement(I.Th, { w: "30%" }, "Status"), /* @__PURE__ */ r.createElement(I.Td, null, /* @__PURE__ */ r.createElement(Ee, { color: R.color, variant: "filled" }, R.label)))), u.last_error && /* @__PURE__ */ r.createElement(E, { color: "red", title: "Error for this part" }, u.last_error), u.linked && /* @__PURE__ */ r.createElement(q, { lines: X(u, l) })) : /* @__PURE__ */ r.createElement(E, { color: "gray", title: "No status" }, "No status for this part."), /* @__PURE__ */ r.createElement(P, { gap: "sm" }, /* @__PURE__ */ r.createElement(O, { onClick: M, loading: $, disabled: !u?.linked }, "Sync now"), /* @__PURE__ */ r.createElement(O, { variant: "outline", onClick: H, loading: S }, "Test connection"), /* @__PURE__ */ r.createElement(ye, { href: Y(t.csv_url, e.host), size: "sm" }, "Parts not in sync (CSV)")), f && /* @__PURE__ */ r.createElement(v, { outcome: f, onClose: () => d(null) }), h && /* @__PURE__ */ r.createElement(v, { outcome: h, onClose: () => w(null) }), l.orders && /* @__PURE__ */ r.createElement(
    pe,
    {
      orders: l.orders,
      api: e.api,
      host: e.host,
      locale: e.locale,
      sku: u?.sku,
      reload: g
    }
  ));
}
function $e(e) {
  return /* @__PURE__ */ r.createElement(Ce, { context: e });
}
export {
  Ce as CommerceSyncPanel,
  $e as renderPanel
};
