/* inventree-commerce-sync part panel, built from frontend/ (npm run build); sources sha256 2130621624395e2b4c29176f513a5762a94c7ef72e08e40fa301d673b020846c */
const ae = {
  synced: { label: "In sync", color: "green" },
  pending: { label: "Pending", color: "yellow" },
  dry_run: { label: "Dry run", color: "blue" },
  not_found: { label: "Not found on target", color: "orange" },
  skipped: { label: "Skipped", color: "orange" },
  error: { label: "Error", color: "red" },
  never_synced: { label: "Never synced", color: "gray" },
  unlinked: { label: "Not linked", color: "gray" }
};
function ie(e) {
  return e.status === "synced" && !e.in_sync ? { label: "Changed since last push", color: "yellow" } : ae[e.status] ?? { label: e.status.replace(/_/g, " "), color: "gray" };
}
function $(e, t) {
  if (!e)
    return "-";
  const n = new Date(e);
  return Number.isNaN(n.getTime()) ? e : n.toLocaleString(t ? t.replace("_", "-") : void 0);
}
function v(e) {
  return e == null || e === "" ? "-" : String(e);
}
function ce(e, t) {
  return [
    { label: "SKU", value: e.linked ? v(e.sku) : `Not linked: ${e.reason || "no SKU"}` },
    { label: "Remote id", value: v(e.remote_id) },
    { label: "Attempts", value: v(e.attempts) },
    { label: "Last attempt", value: $(e.last_attempt, t) },
    { label: "Last success", value: $(e.last_success, t) }
  ];
}
const ue = {
  in_stock: "in stock",
  available: "available (in stock less allocated)",
  available_after_open_orders: "available after open orders (in stock less every open sales order)"
};
function de(e) {
  return e.startsWith("-") ? e : `+${e}`;
}
function me(e) {
  const t = e.steps.map((n, r) => ({
    label: n.label,
    value: r === 0 || n.key === "in_stock" && e.steps[r - 1]?.key === "in_stock" ? n.amount : `${de(n.amount)} = ${n.total}`
  }));
  return t.push({ label: "Figure pushed", value: e.quantity }), e.behaviour === "reserves_open_orders" && t.push({ label: "Offered for sale (the shop subtracts its own open orders)", value: e.sellable }), t;
}
function he(e, t) {
  const n = [];
  return t.quantity_basis && n.push({ label: "Counted as", value: ue[t.quantity_basis] ?? t.quantity_basis }), t.buffer !== void 0 && t.buffer !== null && n.push({ label: "Safety buffer", value: t.buffer }), n.push(
    { label: "Quantity to push", value: v(e.quantity) },
    { label: "Last pushed", value: v(e.pushed_quantity) },
    { label: e.dry_run ? "Would push" : "Pending", value: v(e.pending_quantity) }
  ), n;
}
function ge(e, t) {
  return {
    ...e,
    last_error: t.last_error,
    parts: t.parts.length ? t.parts : e.parts
  };
}
function fe(e) {
  const t = e.parts[0];
  return t?.last_error && !t.in_sync ? { color: "red", title: "Sync did not succeed", lines: [t.last_error] } : t?.dry_run ? { color: "blue", title: "Dry run: nothing was written", lines: [e.summary ?? "nothing to do"] } : { color: "green", title: "Synced", lines: [e.summary ?? "nothing to do"] };
}
function pe(e) {
  const t = e.url ? ` (${e.url})` : "";
  return {
    color: e.ok ? "green" : "red",
    title: e.ok ? `Connection works${t}` : `Connection failed${t}`,
    lines: e.details ?? []
  };
}
function oe(e) {
  const t = e ?? {}, n = t.response?.data;
  if (n && typeof n == "object") {
    const r = n, c = r.error ?? r.detail;
    if (typeof c == "string" && c)
      return c;
  }
  return t.response?.status ? `The server answered HTTP ${t.response.status}` : t.message || String(e);
}
function B(e, t) {
  return { color: "red", title: e, lines: [oe(t)] };
}
function x(e, t) {
  return !t || /^https?:\/\//.test(e) ? e : t.replace(/\/+$/, "") + e;
}
const j = 5;
function we(e) {
  return e.import_enabled ? e.dry_run ? { label: "Dry run", color: "blue" } : { label: "Importing", color: "green" } : { label: "Import off", color: "gray" };
}
function be(e, t) {
  if (!e.webhook)
    return "none: orders are polled";
  const n = e.webhook_registration;
  return n ? `registered ${$(n.at, t)}` : "not registered by this plugin (polling still runs)";
}
function ye(e, t) {
  const n = e.last_seen, r = e.needs_attention_count ?? e.needs_attention.length;
  return [
    { label: "Last order seen", value: n ? `${n.number} (changed ${$(n.modified, t)})` : "-" },
    { label: "Orders imported", value: String(e.imported) },
    { label: "Needing attention", value: String(r) },
    { label: "Last poll", value: $(e.last_poll, t) },
    { label: "Last audit", value: $(e.last_audit, t) },
    { label: "Webhook", value: be(e, t) }
  ];
}
function $e(e, t) {
  return !!t && (e.includes(`'${t}'`) || e.includes(`"${t}"`));
}
function ke(e, t) {
  const n = e.needs_attention.map((l) => {
    const g = [...l.problems, ...l.flag ? [l.flag] : []], p = l.sales_order_reference ? ` - sales order ${l.sales_order_reference}` : "";
    return {
      key: l.order_id,
      title: `Order ${l.number}${p}${l.problems.length ? " (held)" : " (flagged)"}`,
      lines: g,
      thisPart: g.some((h) => $e(h, t))
    };
  }), r = [...n.filter((l) => l.thisPart), ...n.filter((l) => !l.thisPart)], c = e.needs_attention_count ?? n.length;
  return { items: r.slice(0, j), more: Math.max(0, c - Math.min(j, r.length)) };
}
const _e = {
  create: "would create a sales order",
  update: "would change the lines",
  cancel: "would cancel the sales order",
  flag: "would be flagged",
  skip: "would be skipped",
  unchanged: "nothing to change"
};
function Ee(e) {
  return [...e.would_import].reverse().slice(0, j).map((t) => {
    const n = t.lines.map((l) => `${l.quantity} x ${l.sku}`).join(", "), r = t.held ? `, held: ${t.problems.join("; ")}` : "", c = t.flag ? ` (${t.flag})` : "";
    return `${t.number}: ${_e[t.action] ?? t.action}${c}${n ? `: ${n}` : ""}${r}`;
  });
}
function le(e) {
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
function Ce(e) {
  const t = e?.response?.data;
  return t && typeof t == "object" && "registered" in t ? le(t) : { color: "red", title: "Register webhook failed", lines: [oe(e)] };
}
const C = window.React, Se = window.MantineCore.Alert, M = window.MantineCore.Table, ve = window.MantineCore.Text;
function R({ outcome: e, onClose: t }) {
  return /* @__PURE__ */ C.createElement(Se, { color: e.color, title: e.title, withCloseButton: !0, onClose: t }, e.lines.map((n, r) => /* @__PURE__ */ C.createElement(ve, { size: "sm", key: r }, n)));
}
function L({ lines: e, children: t }) {
  return /* @__PURE__ */ C.createElement(M, { striped: !0, withTableBorder: !0, withColumnBorders: !0 }, /* @__PURE__ */ C.createElement(M.Tbody, null, t, e.map((n, r) => /* @__PURE__ */ C.createElement(M.Tr, { key: `${r}:${n.label}` }, /* @__PURE__ */ C.createElement(M.Th, { w: "30%" }, n.label), /* @__PURE__ */ C.createElement(M.Td, null, n.value)))));
}
const i = window.React, Te = window.React.useCallback, H = window.React.useState, D = window.MantineCore.Alert, Me = window.MantineCore.Anchor, Re = window.MantineCore.Badge, Le = window.MantineCore.Button, V = window.MantineCore.Group, O = window.MantineCore.List, Y = window.MantineCore.Stack, K = window.MantineCore.Text, Oe = window.MantineCore.Title;
function Ae({ orders: e, api: t, host: n, locale: r, sku: c, reload: l }) {
  const [g, p] = H(!1), [h, w] = H(null), f = Te(() => {
    e.register_webhook_url && (p(!0), w(null), t.post(e.register_webhook_url, {}).then((u) => {
      w(le(u.data)), l();
    }).catch((u) => w(Ce(u))).finally(() => p(!1)));
  }, [t, e.register_webhook_url, l]), k = we(e), b = ke(e, c), _ = e.dry_run ? Ee(e) : [];
  return /* @__PURE__ */ i.createElement(Y, { gap: "xs" }, /* @__PURE__ */ i.createElement(V, { gap: "sm" }, /* @__PURE__ */ i.createElement(Oe, { order: 5 }, "Orders"), /* @__PURE__ */ i.createElement(Re, { color: k.color, variant: "light" }, k.label)), /* @__PURE__ */ i.createElement(L, { lines: ye(e, r) }), e.last_error && /* @__PURE__ */ i.createElement(D, { color: "red", title: "Last order import error" }, e.last_error), b.items.length > 0 && /* @__PURE__ */ i.createElement(D, { color: "orange", title: "Orders needing attention" }, /* @__PURE__ */ i.createElement(Y, { gap: 4 }, b.items.map((u) => /* @__PURE__ */ i.createElement("div", { key: u.key }, /* @__PURE__ */ i.createElement(K, { size: "sm", fw: u.thisPart ? 700 : 500 }, u.title), /* @__PURE__ */ i.createElement(O, { size: "sm" }, u.lines.map((s, y) => /* @__PURE__ */ i.createElement(O.Item, { key: y }, s))))), b.more > 0 && /* @__PURE__ */ i.createElement(K, { size: "sm" }, "and ", b.more, " more (see the CSV)"))), _.length > 0 && /* @__PURE__ */ i.createElement(D, { color: "blue", title: "Dry run: would import" }, /* @__PURE__ */ i.createElement(O, { size: "sm" }, _.map((u, s) => /* @__PURE__ */ i.createElement(O.Item, { key: s }, u)))), /* @__PURE__ */ i.createElement(V, { gap: "sm" }, e.register_webhook_url && /* @__PURE__ */ i.createElement(Le, { variant: "outline", onClick: f, loading: g }, "Register webhook"), /* @__PURE__ */ i.createElement(Me, { href: x(e.csv_url, n), size: "sm" }, "Orders needing attention (CSV)")), h && /* @__PURE__ */ i.createElement(R, { outcome: h, onClose: () => w(null) }));
}
const se = 5, Be = {
  repaired: "repaired",
  flagged: "flagged, not written",
  confirmed: "confirmed and written",
  dismissed: "dismissed, not written",
  resolved: "no longer needed"
};
function Ne(e, t) {
  const n = e.last_check, r = n ? `${n.repaired} repaired, ${n.flagged} flagged, ${n.waiting} waiting` + (n.orders_stale ? " (orders could not be read: no figure was raised)" : "") : "no target check yet";
  return [
    { label: "Repaired without asking", value: `up to ${e.limit}` },
    { label: "Last target check", value: n ? `${$(n.at, t)}: ${r}` : r },
    { label: "Repair history", value: `${e.count} record${e.count === 1 ? "" : "s"}` }
  ];
}
function N(e) {
  return e.part_name ? `${e.part_name} (${e.sku})` : e.sku;
}
function ze(e) {
  return `${N(e)}: the shop has ${e.shop_had}, InvenTree wants ${e.wanted}`;
}
function Ie(e, t) {
  return [...e.open_flags.filter((r) => r.sku === t), ...e.open_flags.filter((r) => r.sku !== t)];
}
function Pe(e, t) {
  return e.recent.slice(0, se).map((n) => {
    const r = n.set !== null ? `set to ${n.set}` : `wanted ${n.wanted}`;
    return `${$(n.at, t)} ${N(n)}: shop had ${n.shop_had}, ${r} - ` + (Be[n.outcome] ?? n.outcome);
  });
}
const De = {
  shipped: "sent to the shop",
  already: "the shop had it already",
  nothing: "nothing to send",
  sending: "being sent",
  failed: "failed",
  dry_run: "dry run: not sent"
};
function qe(e, t) {
  return e.recent.slice(0, se).map((n) => {
    const r = `${n.sales_order_reference ?? "sales order"} shipment ${n.shipment_reference ?? n.shipment}`, c = De[n.state ?? ""] ?? n.state ?? "not sent yet";
    if (n.state === "failed") {
      const l = n.retry_at ? `; retried ${$(new Date(n.retry_at * 1e3).toISOString(), t)}` : "; not retried any more";
      return `${r}: ${c} (attempt ${n.attempts ?? 1}): ${n.error ?? ""}${l}`;
    }
    return `${r}: ${c}${n.message ? ` (${n.message})` : ""}`;
  });
}
function We(e, t) {
  const n = t.confirmed ?? t.dismissed;
  return e === "confirm" && t.confirmed ? { color: "green", title: "Repair written", lines: [`${N(t.confirmed)} set to ${t.confirmed.set}`] } : {
    color: "blue",
    title: "Flag dismissed",
    lines: n ? [`${N(n)} stays at ${n.shop_had} on the shop until a figure changes`] : []
  };
}
const a = window.React, Fe = window.React.useCallback, Q = window.React.useState, J = window.MantineCore.Alert, Ge = window.MantineCore.Anchor, X = window.MantineCore.Button, Z = window.MantineCore.Group, A = window.MantineCore.List, ee = window.MantineCore.Stack, q = window.MantineCore.Text, te = window.MantineCore.Title;
function Ue({ repairs: e, shipments: t, api: n, host: r, locale: c, sku: l, reload: g }) {
  const [p, h] = Q(null), [w, f] = Q(null), k = Fe((s, y) => {
    h(`${s}:${y.sku}`), f(null), n.post(
      s === "confirm" ? e.confirm_url : e.dismiss_url,
      { sku: y.sku }
    ).then((T) => {
      f(We(s, T.data)), g();
    }).catch((T) => f(B(s === "confirm" ? "Not written" : "Not dismissed", T))).finally(() => h(null));
  }, [n, e.confirm_url, e.dismiss_url, g]), b = Ie(e, l), _ = Pe(e, c), u = t ? qe(t, c) : [];
  return /* @__PURE__ */ a.createElement(ee, { gap: "xs" }, /* @__PURE__ */ a.createElement(te, { order: 5 }, "Target check"), /* @__PURE__ */ a.createElement(L, { lines: Ne(e, c) }), b.length > 0 && /* @__PURE__ */ a.createElement(J, { color: "orange", title: "Repairs waiting for you (beyond the limit: not written)" }, /* @__PURE__ */ a.createElement(ee, { gap: 4 }, b.map((s) => /* @__PURE__ */ a.createElement(Z, { key: s.sku, gap: "sm", justify: "space-between" }, /* @__PURE__ */ a.createElement(q, { size: "sm", fw: s.sku === l ? 700 : 500 }, ze(s)), /* @__PURE__ */ a.createElement(Z, { gap: "xs" }, /* @__PURE__ */ a.createElement(
    X,
    {
      size: "xs",
      onClick: () => k("confirm", s),
      loading: p === `confirm:${s.sku}`
    },
    "Confirm"
  ), /* @__PURE__ */ a.createElement(
    X,
    {
      size: "xs",
      variant: "outline",
      onClick: () => k("dismiss", s),
      loading: p === `dismiss:${s.sku}`
    },
    "Dismiss"
  )))))), w && /* @__PURE__ */ a.createElement(R, { outcome: w, onClose: () => f(null) }), _.length > 0 && /* @__PURE__ */ a.createElement(A, { size: "sm" }, _.map((s, y) => /* @__PURE__ */ a.createElement(A.Item, { key: y }, s))), /* @__PURE__ */ a.createElement(Ge, { href: x(e.csv_url, r), size: "sm" }, "Repair history (CSV)"), t && /* @__PURE__ */ a.createElement(a.Fragment, null, /* @__PURE__ */ a.createElement(te, { order: 5 }, "Shipments to the shop"), t.note && /* @__PURE__ */ a.createElement(q, { size: "sm" }, t.note), t.failing > 0 && /* @__PURE__ */ a.createElement(J, { color: "red", title: `${t.failing} shipment(s) not sent yet` }, "The worker retries them; the list below says why they failed."), u.length > 0 ? /* @__PURE__ */ a.createElement(A, { size: "sm" }, u.map((s, y) => /* @__PURE__ */ a.createElement(A.Item, { key: y }, s))) : !t.note && /* @__PURE__ */ a.createElement(q, { size: "sm" }, "No shipment of an imported order yet.")));
}
const o = window.React, W = window.React.useCallback, je = window.React.useEffect, S = window.React.useState, E = window.MantineCore.Alert, xe = window.MantineCore.Anchor, He = window.MantineCore.Badge, F = window.MantineCore.Button, G = window.MantineCore.Group, Ve = window.MantineCore.Loader, ne = window.MantineCore.Stack, U = window.MantineCore.Table, re = window.MantineCore.Text;
function Ye({ context: e }) {
  const t = e.context, n = e.id, [r, c] = S(null), [l, g] = S(null), [p, h] = S(null), [w, f] = S(null), [k, b] = S(!1), [_, u] = S(!1), s = W(() => {
    t && (g(null), e.api.get(t.status_url, { params: { part: n } }).then((d) => c(d.data)).catch((d) => g(B("Could not load the sync status", d))));
  }, [e.api, t?.status_url, n]);
  je(s, [s]);
  const y = W(() => {
    t && (b(!0), h(null), e.api.post(t.sync_url, { part: n }).then((d) => {
      c((P) => P && ge(P, d.data)), h(fe(d.data));
    }).catch((d) => h(B("Sync now failed", d))).finally(() => b(!1)));
  }, [e.api, t?.sync_url, n]), T = W(() => {
    t && (u(!0), f(null), e.api.post(t.check_url, {}).then((d) => f(pe(d.data))).catch((d) => f(B("Test connection failed", d))).finally(() => u(!1)));
  }, [e.api, t?.check_url]);
  if (!t)
    return /* @__PURE__ */ o.createElement(E, { color: "red", title: "Panel misconfigured" }, "The plugin sent no URLs for this panel.");
  if (l)
    return /* @__PURE__ */ o.createElement(ne, { gap: "xs" }, /* @__PURE__ */ o.createElement(R, { outcome: l, onClose: () => g(null) }), /* @__PURE__ */ o.createElement(G, null, /* @__PURE__ */ o.createElement(F, { variant: "outline", onClick: s }, "Retry")));
  if (!r)
    return /* @__PURE__ */ o.createElement(G, { gap: "xs" }, /* @__PURE__ */ o.createElement(Ve, { size: "sm" }), /* @__PURE__ */ o.createElement(re, { size: "sm" }, "Loading sync status..."));
  const m = r.parts[0], z = m ? ie(m) : null, I = r;
  return /* @__PURE__ */ o.createElement(ne, { gap: "sm" }, r.warnings.map((d) => /* @__PURE__ */ o.createElement(E, { color: "yellow", title: "Warning", key: d }, d)), r.dry_run && /* @__PURE__ */ o.createElement(E, { color: "blue", title: "Dry run" }, "Nothing is written to ", t.target, ": the status shows what would be pushed."), r.last_error && /* @__PURE__ */ o.createElement(E, { color: "red", title: "Last sync error" }, r.last_error), r.orders_stale && /* @__PURE__ */ o.createElement(E, { color: "yellow", title: "Orders are stale" }, "The last push could not read the shop's new orders first, so a sale made there may not be counted yet: ", r.orders_stale), m && z ? /* @__PURE__ */ o.createElement(o.Fragment, null, /* @__PURE__ */ o.createElement(L, { lines: ce(m, e.locale) }, /* @__PURE__ */ o.createElement(U.Tr, null, /* @__PURE__ */ o.createElement(U.Th, { w: "30%" }, "Status"), /* @__PURE__ */ o.createElement(U.Td, null, /* @__PURE__ */ o.createElement(He, { color: z.color, variant: "filled" }, z.label)))), m.last_error && /* @__PURE__ */ o.createElement(E, { color: "red", title: "Error for this part" }, m.last_error), m.linked && /* @__PURE__ */ o.createElement(L, { lines: he(m, r) }), m.linked && m.offer && /* @__PURE__ */ o.createElement(o.Fragment, null, /* @__PURE__ */ o.createElement(re, { size: "sm", fw: 500 }, "How this number was made"), /* @__PURE__ */ o.createElement(L, { lines: me(m.offer) }))) : /* @__PURE__ */ o.createElement(E, { color: "gray", title: "No status" }, "No status for this part."), /* @__PURE__ */ o.createElement(G, { gap: "sm" }, /* @__PURE__ */ o.createElement(F, { onClick: y, loading: k, disabled: !m?.linked }, "Sync now"), /* @__PURE__ */ o.createElement(F, { variant: "outline", onClick: T, loading: _ }, "Test connection"), /* @__PURE__ */ o.createElement(xe, { href: x(t.csv_url, e.host), size: "sm" }, "Parts not in sync (CSV)")), p && /* @__PURE__ */ o.createElement(R, { outcome: p, onClose: () => h(null) }), w && /* @__PURE__ */ o.createElement(R, { outcome: w, onClose: () => f(null) }), r.orders && /* @__PURE__ */ o.createElement(
    Ae,
    {
      orders: r.orders,
      api: e.api,
      host: e.host,
      locale: e.locale,
      sku: m?.sku,
      reload: s
    }
  ), I.repairs && /* @__PURE__ */ o.createElement(
    Ue,
    {
      repairs: I.repairs,
      shipments: I.shipments,
      api: e.api,
      host: e.host,
      locale: e.locale,
      sku: m?.sku,
      reload: s
    }
  ));
}
function Ke(e) {
  return /* @__PURE__ */ o.createElement(Ye, { context: e });
}
export {
  Ye as CommerceSyncPanel,
  Ke as renderPanel
};
