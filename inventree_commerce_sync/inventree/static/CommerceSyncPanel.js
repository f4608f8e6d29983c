/* inventree-commerce-sync part panel, built from frontend/ (npm run build); sources sha256 596c91402e3a7a9a209a20ee0e9ffef0241f6f50b3daeab79611098e9619e2be */
const me = {
  synced: { label: "In sync", color: "green" },
  pending: { label: "Pending", color: "yellow" },
  dry_run: { label: "Dry run", color: "blue" },
  not_found: { label: "Not found on target", color: "orange" },
  skipped: { label: "Skipped", color: "orange" },
  error: { label: "Error", color: "red" },
  never_synced: { label: "Never synced", color: "gray" },
  unlinked: { label: "Not linked", color: "gray" }
};
function ae(e) {
  return e.status === "synced" && !e.in_sync ? { label: "Changed since last push", color: "yellow" } : me[e.status] ?? { label: e.status.replace(/_/g, " "), color: "gray" };
}
function $(e, t) {
  if (!e)
    return "-";
  const n = new Date(e);
  return Number.isNaN(n.getTime()) ? e : n.toLocaleString(t ? t.replace("_", "-") : void 0);
}
function _(e) {
  return e == null || e === "" ? "-" : String(e);
}
function he(e, t) {
  return [
    { label: "SKU", value: e.linked ? _(e.sku) : `Not linked: ${e.reason || "no SKU"}` },
    { label: "Remote id", value: _(e.remote_id) },
    { label: "Attempts", value: _(e.attempts) },
    { label: "Last attempt", value: $(e.last_attempt, t) },
    { label: "Last success", value: $(e.last_success, t) }
  ];
}
const fe = {
  in_stock: "in stock",
  available: "available (in stock less allocated)",
  available_after_open_orders: "available after open orders (in stock less every open sales order)"
};
function ge(e) {
  return e.startsWith("-") ? e : `+${e}`;
}
function ie(e) {
  const t = e.steps.map((n, r) => ({
    label: n.label,
    value: r === 0 || n.key === "in_stock" && e.steps[r - 1]?.key === "in_stock" ? n.amount : `${ge(n.amount)} = ${n.total}`
  }));
  return t.push({ label: "Figure pushed", value: e.quantity }), e.behaviour === "reserves_open_orders" && t.push({ label: "Offered for sale (the shop subtracts its own open orders)", value: e.sellable }), t;
}
function pe(e) {
  const t = e.locations ?? [];
  if (!t.length)
    return [];
  const n = t.map((l) => {
    const s = l.offer ? ie(l.offer) : [{ label: "Figure pushed", value: l.quantity }], h = l.unallocated_share ?? "0";
    return l.unallocated && l.unallocated !== "0" && s.splice(s.findIndex((f) => f.label === "Figure pushed"), 0, {
      label: "Open orders allocated from no location",
      value: `${l.unallocated} in all, taken off once over the locations: ${h} of it here`
    }), s.push(
      { label: "Last pushed", value: _(l.pushed_quantity) },
      { label: "Status", value: ae({ ...e, status: l.status, in_sync: l.in_sync }).label }
    ), l.last_error && s.push({ label: "Error", value: l.last_error }), { title: `${l.location} gets ${l.stock_location.path} (with its sublocations)`, lines: s };
  }), r = [{ label: "Figure pushed, all locations", value: _(e.quantity) }];
  return e.sellable !== void 0 && e.sellable !== e.quantity && r.push({ label: "Offered for sale (the shop subtracts its own open orders)", value: e.sellable }), [...n, { title: "All mapped locations", lines: r }];
}
function be(e, t) {
  const n = [];
  return t.quantity_basis && n.push({ label: "Counted as", value: fe[t.quantity_basis] ?? t.quantity_basis }), t.buffer !== void 0 && t.buffer !== null && n.push({ label: "Safety buffer", value: t.buffer }), n.push(
    { label: "Quantity to push", value: _(e.quantity) },
    { label: "Last pushed", value: _(e.pushed_quantity) },
    { label: e.dry_run ? "Would push" : "Pending", value: _(e.pending_quantity) }
  ), n;
}
function we(e, t) {
  return {
    ...e,
    last_error: t.last_error,
    parts: t.parts.length ? t.parts : e.parts
  };
}
function ye(e) {
  const t = e.parts[0];
  return t?.last_error && !t.in_sync ? { color: "red", title: "Sync did not succeed", lines: [t.last_error] } : t?.dry_run ? { color: "blue", title: "Dry run: nothing was written", lines: [e.summary ?? "nothing to do"] } : { color: "green", title: "Synced", lines: [e.summary ?? "nothing to do"] };
}
function $e(e) {
  const t = e.url ? ` (${e.url})` : "";
  return {
    color: e.ok ? "green" : "red",
    title: e.ok ? `Connection works${t}` : `Connection failed${t}`,
    lines: e.details ?? []
  };
}
function ce(e) {
  const t = e ?? {}, n = t.response?.data;
  if (n && typeof n == "object") {
    const r = n, l = r.error ?? r.detail;
    if (typeof l == "string" && l)
      return l;
  }
  return t.response?.status ? `The server answered HTTP ${t.response.status}` : t.message || String(e);
}
function B(e, t) {
  return { color: "red", title: e, lines: [ce(t)] };
}
function Y(e, t) {
  return !t || /^https?:\/\//.test(e) ? e : t.replace(/\/+$/, "") + e;
}
const H = 5;
function _e(e) {
  return e.import_enabled ? e.dry_run ? { label: "Dry run", color: "blue" } : { label: "Importing", color: "green" } : { label: "Import off", color: "gray" };
}
function Ee(e, t) {
  if (!e.webhook)
    return "none: orders are polled";
  const n = e.webhook_registration;
  return n ? `registered ${$(n.at, t)}` : "not registered by this plugin (polling still runs)";
}
function ke(e, t) {
  const n = e.last_seen, r = e.needs_attention_count ?? e.needs_attention.length;
  return [
    { label: "Last order seen", value: n ? `${n.number} (changed ${$(n.modified, t)})` : "-" },
    { label: "Orders imported", value: String(e.imported) },
    { label: "Needing attention", value: String(r) },
    { label: "Last poll", value: $(e.last_poll, t) },
    { label: "Last audit", value: $(e.last_audit, t) },
    { label: "Webhook", value: Ee(e, t) }
  ];
}
function Ce(e, t) {
  return !!t && (e.includes(`'${t}'`) || e.includes(`"${t}"`));
}
function ve(e, t) {
  const n = e.needs_attention.map((s) => {
    const h = [...s.problems, ...s.flag ? [s.flag] : []], f = s.sales_order_reference ? ` - sales order ${s.sales_order_reference}` : "";
    return {
      key: s.order_id,
      title: `Order ${s.number}${f}${s.problems.length ? " (held)" : " (flagged)"}`,
      lines: h,
      thisPart: h.some((g) => Ce(g, t))
    };
  }), r = [...n.filter((s) => s.thisPart), ...n.filter((s) => !s.thisPart)], l = e.needs_attention_count ?? n.length;
  return { items: r.slice(0, H), more: Math.max(0, l - Math.min(H, r.length)) };
}
const Se = {
  create: "would create a sales order",
  update: "would change the lines",
  cancel: "would cancel the sales order",
  flag: "would be flagged",
  skip: "would be skipped",
  unchanged: "nothing to change"
};
function Te(e) {
  return [...e.would_import].reverse().slice(0, H).map((t) => {
    const n = t.lines.map((s) => `${s.quantity} x ${s.sku}`).join(", "), r = t.held ? `, held: ${t.problems.join("; ")}` : "", l = t.flag ? ` (${t.flag})` : "";
    return `${t.number}: ${Se[t.action] ?? t.action}${l}${n ? `: ${n}` : ""}${r}`;
  });
}
function ue(e) {
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
function Me(e) {
  const t = e?.response?.data;
  return t && typeof t == "object" && "registered" in t ? ue(t) : { color: "red", title: "Register webhook failed", lines: [ce(e)] };
}
const v = window.React, Re = window.MantineCore.Alert, R = window.MantineCore.Table, Le = window.MantineCore.Text;
function L({ outcome: e, onClose: t }) {
  return /* @__PURE__ */ v.createElement(Re, { color: e.color, title: e.title, withCloseButton: !0, onClose: t }, e.lines.map((n, r) => /* @__PURE__ */ v.createElement(Le, { size: "sm", key: r }, n)));
}
function T({ lines: e, children: t }) {
  return /* @__PURE__ */ v.createElement(R, { striped: !0, withTableBorder: !0, withColumnBorders: !0 }, /* @__PURE__ */ v.createElement(R.Tbody, null, t, e.map((n, r) => /* @__PURE__ */ v.createElement(R.Tr, { key: `${r}:${n.label}` }, /* @__PURE__ */ v.createElement(R.Th, { w: "30%" }, n.label), /* @__PURE__ */ v.createElement(R.Td, null, n.value)))));
}
const c = window.React, Oe = window.React.useCallback, Q = window.React.useState, F = window.MantineCore.Alert, Ae = window.MantineCore.Anchor, ze = window.MantineCore.Badge, Be = window.MantineCore.Button, J = window.MantineCore.Group, O = window.MantineCore.List, X = window.MantineCore.Stack, Z = window.MantineCore.Text, Ne = window.MantineCore.Title;
function Ie({ orders: e, api: t, host: n, locale: r, sku: l, reload: s }) {
  const [h, f] = Q(!1), [g, b] = Q(null), p = Oe(() => {
    e.register_webhook_url && (f(!0), b(null), t.post(e.register_webhook_url, {}).then((m) => {
      b(ue(m.data)), s();
    }).catch((m) => b(Me(m))).finally(() => f(!1)));
  }, [t, e.register_webhook_url, s]), E = _e(e), w = ve(e, l), k = e.dry_run ? Te(e) : [];
  return /* @__PURE__ */ c.createElement(X, { gap: "xs" }, /* @__PURE__ */ c.createElement(J, { gap: "sm" }, /* @__PURE__ */ c.createElement(Ne, { order: 5 }, "Orders"), /* @__PURE__ */ c.createElement(ze, { color: E.color, variant: "light" }, E.label)), /* @__PURE__ */ c.createElement(T, { lines: ke(e, r) }), e.last_error && /* @__PURE__ */ c.createElement(F, { color: "red", title: "Last order import error" }, e.last_error), w.items.length > 0 && /* @__PURE__ */ c.createElement(F, { color: "orange", title: "Orders needing attention" }, /* @__PURE__ */ c.createElement(X, { gap: 4 }, w.items.map((m) => /* @__PURE__ */ c.createElement("div", { key: m.key }, /* @__PURE__ */ c.createElement(Z, { size: "sm", fw: m.thisPart ? 700 : 500 }, m.title), /* @__PURE__ */ c.createElement(O, { size: "sm" }, m.lines.map((a, y) => /* @__PURE__ */ c.createElement(O.Item, { key: y }, a))))), w.more > 0 && /* @__PURE__ */ c.createElement(Z, { size: "sm" }, "and ", w.more, " more (see the CSV)"))), k.length > 0 && /* @__PURE__ */ c.createElement(F, { color: "blue", title: "Dry run: would import" }, /* @__PURE__ */ c.createElement(O, { size: "sm" }, k.map((m, a) => /* @__PURE__ */ c.createElement(O.Item, { key: a }, m)))), /* @__PURE__ */ c.createElement(J, { gap: "sm" }, e.register_webhook_url && /* @__PURE__ */ c.createElement(Be, { variant: "outline", onClick: p, loading: h }, "Register webhook"), /* @__PURE__ */ c.createElement(Ae, { href: Y(e.csv_url, n), size: "sm" }, "Orders needing attention (CSV)")), g && /* @__PURE__ */ c.createElement(L, { outcome: g, onClose: () => b(null) }));
}
const de = 5, Pe = {
  repaired: "repaired",
  flagged: "flagged, not written",
  confirmed: "confirmed and written",
  dismissed: "dismissed, not written",
  resolved: "no longer needed"
};
function qe(e, t) {
  const n = e.last_check, r = n ? `${n.repaired} repaired, ${n.flagged} flagged, ${n.waiting} waiting` + (n.orders_stale ? " (orders could not be read: no figure was raised)" : "") : "no target check yet";
  return [
    { label: "Repaired without asking", value: `up to ${e.limit}` },
    { label: "Last target check", value: n ? `${$(n.at, t)}: ${r}` : r },
    { label: "Repair history", value: `${e.count} record${e.count === 1 ? "" : "s"}` }
  ];
}
function ee(e) {
  const t = e.lastIndexOf("@");
  return t > 0 ? `${e.slice(0, t)} at ${e.slice(t + 1)}` : e;
}
function N(e) {
  return e.part_name ? `${e.part_name} (${ee(e.sku)})` : ee(e.sku);
}
function V(e, t) {
  const n = e.lastIndexOf("@");
  return !!t && (e === t || n > 0 && e.slice(0, n) === t);
}
function Fe(e) {
  return `${N(e)}: the shop has ${e.shop_had}, InvenTree wants ${e.wanted}`;
}
function De(e, t) {
  return [...e.open_flags.filter((r) => V(r.sku, t)), ...e.open_flags.filter((r) => !V(r.sku, t))];
}
function xe(e, t) {
  return e.recent.slice(0, de).map((n) => {
    const r = n.set !== null ? `set to ${n.set}` : `wanted ${n.wanted}`;
    return `${$(n.at, t)} ${N(n)}: shop had ${n.shop_had}, ${r} - ` + (Pe[n.outcome] ?? n.outcome);
  });
}
const We = {
  shipped: "sent to the shop",
  already: "the shop had it already",
  nothing: "nothing to send",
  sending: "being sent",
  failed: "failed",
  dry_run: "dry run: not sent"
};
function Ge(e, t) {
  return e.recent.slice(0, de).map((n) => {
    const r = `${n.sales_order_reference ?? "sales order"} shipment ${n.shipment_reference ?? n.shipment}`, l = We[n.state ?? ""] ?? n.state ?? "not sent yet";
    if (n.state === "failed") {
      const s = n.retry_at ? `; retried ${$(new Date(n.retry_at * 1e3).toISOString(), t)}` : "; not retried any more";
      return `${r}: ${l} (attempt ${n.attempts ?? 1}): ${n.error ?? ""}${s}`;
    }
    return `${r}: ${l}${n.message ? ` (${n.message})` : ""}`;
  });
}
function Ue(e, t) {
  const n = t.confirmed ?? t.dismissed;
  return e === "confirm" && t.confirmed ? { color: "green", title: "Repair written", lines: [`${N(t.confirmed)} set to ${t.confirmed.set}`] } : {
    color: "blue",
    title: "Flag dismissed",
    lines: n ? [`${N(n)} stays at ${n.shop_had} on the shop until a figure changes`] : []
  };
}
const i = window.React, je = window.React.useCallback, te = window.React.useState, ne = window.MantineCore.Alert, He = window.MantineCore.Anchor, re = window.MantineCore.Button, oe = window.MantineCore.Group, A = window.MantineCore.List, le = window.MantineCore.Stack, D = window.MantineCore.Text, se = window.MantineCore.Title;
function Ve({ repairs: e, shipments: t, api: n, host: r, locale: l, sku: s, reload: h }) {
  const [f, g] = te(null), [b, p] = te(null), E = je((a, y) => {
    g(`${a}:${y.sku}`), p(null), n.post(
      a === "confirm" ? e.confirm_url : e.dismiss_url,
      { sku: y.sku }
    ).then((M) => {
      p(Ue(a, M.data)), h();
    }).catch((M) => p(B(a === "confirm" ? "Not written" : "Not dismissed", M))).finally(() => g(null));
  }, [n, e.confirm_url, e.dismiss_url, h]), w = De(e, s), k = xe(e, l), m = t ? Ge(t, l) : [];
  return /* @__PURE__ */ i.createElement(le, { gap: "xs" }, /* @__PURE__ */ i.createElement(se, { order: 5 }, "Target check"), /* @__PURE__ */ i.createElement(T, { lines: qe(e, l) }), w.length > 0 && /* @__PURE__ */ i.createElement(ne, { color: "orange", title: "Repairs waiting for you (beyond the limit: not written)" }, /* @__PURE__ */ i.createElement(le, { gap: 4 }, w.map((a) => /* @__PURE__ */ i.createElement(oe, { key: a.sku, gap: "sm", justify: "space-between" }, /* @__PURE__ */ i.createElement(D, { size: "sm", fw: V(a.sku, s) ? 700 : 500 }, Fe(a)), /* @__PURE__ */ i.createElement(oe, { gap: "xs" }, /* @__PURE__ */ i.createElement(
    re,
    {
      size: "xs",
      onClick: () => E("confirm", a),
      loading: f === `confirm:${a.sku}`
    },
    "Confirm"
  ), /* @__PURE__ */ i.createElement(
    re,
    {
      size: "xs",
      variant: "outline",
      onClick: () => E("dismiss", a),
      loading: f === `dismiss:${a.sku}`
    },
    "Dismiss"
  )))))), b && /* @__PURE__ */ i.createElement(L, { outcome: b, onClose: () => p(null) }), k.length > 0 && /* @__PURE__ */ i.createElement(A, { size: "sm" }, k.map((a, y) => /* @__PURE__ */ i.createElement(A.Item, { key: y }, a))), /* @__PURE__ */ i.createElement(He, { href: Y(e.csv_url, r), size: "sm" }, "Repair history (CSV)"), t && /* @__PURE__ */ i.createElement(i.Fragment, null, /* @__PURE__ */ i.createElement(se, { order: 5 }, "Shipments to the shop"), t.note && /* @__PURE__ */ i.createElement(D, { size: "sm" }, t.note), t.failing > 0 && /* @__PURE__ */ i.createElement(ne, { color: "red", title: `${t.failing} shipment(s) not sent yet` }, "The worker retries them; the list below says why they failed."), m.length > 0 ? /* @__PURE__ */ i.createElement(A, { size: "sm" }, m.map((a, y) => /* @__PURE__ */ i.createElement(A.Item, { key: y }, a))) : !t.note && /* @__PURE__ */ i.createElement(D, { size: "sm" }, "No shipment of an imported order yet.")));
}
const o = window.React, x = window.React.useCallback, Ye = window.React.useEffect, S = window.React.useState, C = window.MantineCore.Alert, Ke = window.MantineCore.Anchor, Qe = window.MantineCore.Badge, W = window.MantineCore.Button, G = window.MantineCore.Group, Je = window.MantineCore.Loader, U = window.MantineCore.Stack, j = window.MantineCore.Table, z = window.MantineCore.Text;
function Xe({ context: e }) {
  const t = e.context, n = e.id, [r, l] = S(null), [s, h] = S(null), [f, g] = S(null), [b, p] = S(null), [E, w] = S(!1), [k, m] = S(!1), a = x(() => {
    t && (h(null), e.api.get(t.status_url, { params: { part: n } }).then((u) => l(u.data)).catch((u) => h(B("Could not load the sync status", u))));
  }, [e.api, t?.status_url, n]);
  Ye(a, [a]);
  const y = x(() => {
    t && (w(!0), g(null), e.api.post(t.sync_url, { part: n }).then((u) => {
      l((q) => q && we(q, u.data)), g(ye(u.data));
    }).catch((u) => g(B("Sync now failed", u))).finally(() => w(!1)));
  }, [e.api, t?.sync_url, n]), M = x(() => {
    t && (m(!0), p(null), e.api.post(t.check_url, {}).then((u) => p($e(u.data))).catch((u) => p(B("Test connection failed", u))).finally(() => m(!1)));
  }, [e.api, t?.check_url]);
  if (!t)
    return /* @__PURE__ */ o.createElement(C, { color: "red", title: "Panel misconfigured" }, "The plugin sent no URLs for this panel.");
  if (s)
    return /* @__PURE__ */ o.createElement(U, { gap: "xs" }, /* @__PURE__ */ o.createElement(L, { outcome: s, onClose: () => h(null) }), /* @__PURE__ */ o.createElement(G, null, /* @__PURE__ */ o.createElement(W, { variant: "outline", onClick: a }, "Retry")));
  if (!r)
    return /* @__PURE__ */ o.createElement(G, { gap: "xs" }, /* @__PURE__ */ o.createElement(Je, { size: "sm" }), /* @__PURE__ */ o.createElement(z, { size: "sm" }, "Loading sync status..."));
  const d = r.parts[0], I = d ? ae(d) : null, P = r, K = d ? pe(d) : [];
  return /* @__PURE__ */ o.createElement(U, { gap: "sm" }, r.warnings.map((u) => /* @__PURE__ */ o.createElement(C, { color: "yellow", title: "Warning", key: u }, u)), r.dry_run && /* @__PURE__ */ o.createElement(C, { color: "blue", title: "Dry run" }, "Nothing is written to ", t.target, ": the status shows what would be pushed."), r.last_error && /* @__PURE__ */ o.createElement(C, { color: "red", title: "Last sync error" }, r.last_error), r.orders_stale && /* @__PURE__ */ o.createElement(C, { color: "yellow", title: "Orders are stale" }, "The last push could not read the shop's new orders first, so a sale made there may not be counted yet: ", r.orders_stale), d && I ? /* @__PURE__ */ o.createElement(o.Fragment, null, /* @__PURE__ */ o.createElement(T, { lines: he(d, e.locale) }, /* @__PURE__ */ o.createElement(j.Tr, null, /* @__PURE__ */ o.createElement(j.Th, { w: "30%" }, "Status"), /* @__PURE__ */ o.createElement(j.Td, null, /* @__PURE__ */ o.createElement(Qe, { color: I.color, variant: "filled" }, I.label)))), d.last_error && /* @__PURE__ */ o.createElement(C, { color: "red", title: "Error for this part" }, d.last_error), d.linked && /* @__PURE__ */ o.createElement(T, { lines: be(d, r) }), d.linked && d.offer && /* @__PURE__ */ o.createElement(o.Fragment, null, /* @__PURE__ */ o.createElement(z, { size: "sm", fw: 500 }, "How this number was made"), /* @__PURE__ */ o.createElement(T, { lines: ie(d.offer) })), d.linked && K.length > 0 && /* @__PURE__ */ o.createElement(o.Fragment, null, /* @__PURE__ */ o.createElement(z, { size: "sm", fw: 500 }, "How this number was made, per location"), K.map((u) => /* @__PURE__ */ o.createElement(U, { gap: 4, key: u.title }, /* @__PURE__ */ o.createElement(z, { size: "sm" }, u.title), /* @__PURE__ */ o.createElement(T, { lines: u.lines }))))) : /* @__PURE__ */ o.createElement(C, { color: "gray", title: "No status" }, "No status for this part."), /* @__PURE__ */ o.createElement(G, { gap: "sm" }, /* @__PURE__ */ o.createElement(W, { onClick: y, loading: E, disabled: !d?.linked }, "Sync now"), /* @__PURE__ */ o.createElement(W, { variant: "outline", onClick: M, loading: k }, "Test connection"), /* @__PURE__ */ o.createElement(Ke, { href: Y(t.csv_url, e.host), size: "sm" }, "Parts not in sync (CSV)")), f && /* @__PURE__ */ o.createElement(L, { outcome: f, onClose: () => g(null) }), b && /* @__PURE__ */ o.createElement(L, { outcome: b, onClose: () => p(null) }), r.orders && /* @__PURE__ */ o.createElement(
    Ie,
    {
      orders: r.orders,
      api: e.api,
      host: e.host,
      locale: e.locale,
      sku: d?.sku,
      reload: a
    }
  ), P.repairs && /* @__PURE__ */ o.createElement(
    Ve,
    {
      repairs: P.repairs,
      shipments: P.shipments,
      api: e.api,
      host: e.host,
      locale: e.locale,
      sku: d?.sku,
      reload: a
    }
  ));
}
function Ze(e) {
  return /* @__PURE__ */ o.createElement(Xe, { context: e });
}
export {
  Xe as CommerceSyncPanel,
  Ze as renderPanel
};
