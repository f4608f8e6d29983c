/* inventree-commerce-sync part panel, built from frontend/ (npm run build); sources sha256 56b53d0c6e146e8e1697208021b723015b33b9d3a0f05bdc2676cac7e7856645 */
const ze = {
  synced: { label: "In sync", color: "green" },
  pending: { label: "Pending", color: "yellow" },
  dry_run: { label: "Dry run", color: "blue" },
  not_found: { label: "Not found on target", color: "orange" },
  skipped: { label: "Skipped", color: "orange" },
  error: { label: "Error", color: "red" },
  never_synced: { label: "Never synced", color: "gray" },
  unlinked: { label: "Not linked", color: "gray" }
};
function Ie(e) {
  return e.status === "synced" && !e.in_sync ? { label: "Changed since last push", color: "yellow" } : ze[e.status] ?? { label: e.status.replace(/_/g, " "), color: "gray" };
}
function M(e, t) {
  if (!e)
    return "-";
  const n = new Date(e);
  return Number.isNaN(n.getTime()) ? e : n.toLocaleString(t ? t.replace("_", "-") : void 0);
}
function P(e) {
  return e == null || e === "" ? "-" : String(e);
}
function Ae(e, t) {
  return [
    { label: "SKU", value: e.linked ? P(e.sku) : `Not linked: ${e.reason || "no SKU"}` },
    { label: "Remote id", value: P(e.remote_id) },
    { label: "Attempts", value: P(e.attempts) },
    { label: "Last attempt", value: M(e.last_attempt, t) },
    { label: "Last success", value: M(e.last_success, t) }
  ];
}
const Ne = {
  in_stock: "in stock",
  available: "available (in stock less allocated)",
  available_after_open_orders: "available after open orders (in stock less every open sales order)"
};
function Oe(e) {
  return e.startsWith("-") ? e : `+${e}`;
}
function Be(e) {
  const t = e.steps.map((n, r) => ({
    label: n.label,
    value: r === 0 || n.key === "in_stock" && e.steps[r - 1]?.key === "in_stock" ? n.amount : `${Oe(n.amount)} = ${n.total}`
  }));
  return t.push({ label: "Figure pushed", value: e.quantity }), e.behaviour === "reserves_open_orders" && t.push({ label: "Offered for sale (the shop subtracts its own open orders)", value: e.sellable }), t;
}
function Pe(e, t) {
  const n = [];
  return t.quantity_basis && n.push({ label: "Counted as", value: Ne[t.quantity_basis] ?? t.quantity_basis }), t.buffer !== void 0 && t.buffer !== null && n.push({ label: "Safety buffer", value: t.buffer }), n.push(
    { label: "Quantity to push", value: P(e.quantity) },
    { label: "Last pushed", value: P(e.pushed_quantity) },
    { label: e.dry_run ? "Would push" : "Pending", value: P(e.pending_quantity) }
  ), n;
}
function qe(e, t) {
  return {
    ...e,
    last_error: t.last_error,
    parts: t.parts.length ? t.parts : e.parts
  };
}
function xe(e) {
  const t = e.parts[0];
  return t?.last_error && !t.in_sync ? { color: "red", title: "Sync did not succeed", lines: [t.last_error] } : t?.dry_run ? { color: "blue", title: "Dry run: nothing was written", lines: [e.summary ?? "nothing to do"] } : { color: "green", title: "Synced", lines: [e.summary ?? "nothing to do"] };
}
function Ue(e) {
  const t = e.url ? ` (${e.url})` : "";
  return {
    color: e.ok ? "green" : "red",
    title: e.ok ? `Connection works${t}` : `Connection failed${t}`,
    lines: e.details ?? []
  };
}
function le(e) {
  const t = e ?? {}, n = t.response?.data;
  if (n && typeof n == "object") {
    const r = n, l = r.error ?? r.detail;
    if (typeof l == "string" && l)
      return l;
  }
  return t.response?.status ? `The server answered HTTP ${t.response.status}` : t.message || String(e);
}
function F(e, t) {
  return { color: "red", title: e, lines: [le(t)] };
}
function ae(e, t) {
  return !t || /^https?:\/\//.test(e) ? e : t.replace(/\/+$/, "") + e;
}
const re = 5;
function De(e) {
  return e.import_enabled ? e.dry_run ? { label: "Dry run", color: "blue" } : { label: "Importing", color: "green" } : { label: "Import off", color: "gray" };
}
function Fe(e, t) {
  if (!e.webhook)
    return "none: orders are polled";
  const n = e.webhook_registration;
  return n ? `registered ${M(n.at, t)}` : "not registered by this plugin (polling still runs)";
}
function Ge(e, t) {
  const n = e.last_seen, r = e.needs_attention_count ?? e.needs_attention.length;
  return [
    { label: "Last order seen", value: n ? `${n.number} (changed ${M(n.modified, t)})` : "-" },
    { label: "Orders imported", value: String(e.imported) },
    { label: "Needing attention", value: String(r) },
    { label: "Last poll", value: M(e.last_poll, t) },
    { label: "Last audit", value: M(e.last_audit, t) },
    { label: "Webhook", value: Fe(e, t) }
  ];
}
function We(e, t) {
  return !!t && (e.includes(`'${t}'`) || e.includes(`"${t}"`));
}
function Ke(e, t) {
  const n = e.needs_attention.map((a) => {
    const p = [...a.problems, ...a.flag ? [a.flag] : []], $ = a.sales_order_reference ? ` - sales order ${a.sales_order_reference}` : "";
    return {
      key: a.order_id,
      title: `Order ${a.number}${$}${a.problems.length ? " (held)" : " (flagged)"}`,
      lines: p,
      thisPart: p.some((k) => We(k, t))
    };
  }), r = [...n.filter((a) => a.thisPart), ...n.filter((a) => !a.thisPart)], l = e.needs_attention_count ?? n.length;
  return { items: r.slice(0, re), more: Math.max(0, l - Math.min(re, r.length)) };
}
const He = {
  create: "would create a sales order",
  update: "would change the lines",
  cancel: "would cancel the sales order",
  flag: "would be flagged",
  skip: "would be skipped",
  unchanged: "nothing to change"
};
function je(e) {
  return [...e.would_import].reverse().slice(0, re).map((t) => {
    const n = t.lines.map((a) => `${a.quantity} x ${a.sku}`).join(", "), r = t.held ? `, held: ${t.problems.join("; ")}` : "", l = t.flag ? ` (${t.flag})` : "";
    return `${t.number}: ${He[t.action] ?? t.action}${l}${n ? `: ${n}` : ""}${r}`;
  });
}
function Se(e) {
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
function Ve(e) {
  const t = e?.response?.data;
  return t && typeof t == "object" && "registered" in t ? Se(t) : { color: "red", title: "Register webhook failed", lines: [le(e)] };
}
const z = window.React, Qe = window.MantineCore.Alert, x = window.MantineCore.Table, Ye = window.MantineCore.Text;
function I({ outcome: e, onClose: t }) {
  return /* @__PURE__ */ z.createElement(Qe, { color: e.color, title: e.title, withCloseButton: !0, onClose: t }, e.lines.map((n, r) => /* @__PURE__ */ z.createElement(Ye, { size: "sm", key: r }, n)));
}
function G({ lines: e, children: t }) {
  return /* @__PURE__ */ z.createElement(x, { striped: !0, withTableBorder: !0, withColumnBorders: !0 }, /* @__PURE__ */ z.createElement(x.Tbody, null, t, e.map((n, r) => /* @__PURE__ */ z.createElement(x.Tr, { key: `${r}:${n.label}` }, /* @__PURE__ */ z.createElement(x.Th, { w: "30%" }, n.label), /* @__PURE__ */ z.createElement(x.Td, null, n.value)))));
}
const h = window.React, Ze = window.React.useCallback, se = window.React.useState, Y = window.MantineCore.Alert, Je = window.MantineCore.Anchor, Xe = window.MantineCore.Badge, et = window.MantineCore.Button, ie = window.MantineCore.Group, K = window.MantineCore.List, ce = window.MantineCore.Stack, ue = window.MantineCore.Text, tt = window.MantineCore.Title;
function nt({ orders: e, api: t, host: n, locale: r, sku: l, reload: a }) {
  const [p, $] = se(!1), [k, y] = se(null), c = Ze(() => {
    e.register_webhook_url && ($(!0), y(null), t.post(e.register_webhook_url, {}).then((g) => {
      y(Se(g.data)), a();
    }).catch((g) => y(Ve(g))).finally(() => $(!1)));
  }, [t, e.register_webhook_url, a]), _ = De(e), w = Ke(e, l), T = e.dry_run ? je(e) : [];
  return /* @__PURE__ */ h.createElement(ce, { gap: "xs" }, /* @__PURE__ */ h.createElement(ie, { gap: "sm" }, /* @__PURE__ */ h.createElement(tt, { order: 5 }, "Orders"), /* @__PURE__ */ h.createElement(Xe, { color: _.color, variant: "light" }, _.label)), /* @__PURE__ */ h.createElement(G, { lines: Ge(e, r) }), e.last_error && /* @__PURE__ */ h.createElement(Y, { color: "red", title: "Last order import error" }, e.last_error), w.items.length > 0 && /* @__PURE__ */ h.createElement(Y, { color: "orange", title: "Orders needing attention" }, /* @__PURE__ */ h.createElement(ce, { gap: 4 }, w.items.map((g) => /* @__PURE__ */ h.createElement("div", { key: g.key }, /* @__PURE__ */ h.createElement(ue, { size: "sm", fw: g.thisPart ? 700 : 500 }, g.title), /* @__PURE__ */ h.createElement(K, { size: "sm" }, g.lines.map((i, b) => /* @__PURE__ */ h.createElement(K.Item, { key: b }, i))))), w.more > 0 && /* @__PURE__ */ h.createElement(ue, { size: "sm" }, "and ", w.more, " more (see the CSV)"))), T.length > 0 && /* @__PURE__ */ h.createElement(Y, { color: "blue", title: "Dry run: would import" }, /* @__PURE__ */ h.createElement(K, { size: "sm" }, T.map((g, i) => /* @__PURE__ */ h.createElement(K.Item, { key: i }, g)))), /* @__PURE__ */ h.createElement(ie, { gap: "sm" }, e.register_webhook_url && /* @__PURE__ */ h.createElement(et, { variant: "outline", onClick: c, loading: p }, "Register webhook"), /* @__PURE__ */ h.createElement(Je, { href: ae(e.csv_url, n), size: "sm" }, "Orders needing attention (CSV)")), k && /* @__PURE__ */ h.createElement(I, { outcome: k, onClose: () => y(null) }));
}
const Te = 5, rt = {
  repaired: "repaired",
  flagged: "flagged, not written",
  confirmed: "confirmed and written",
  dismissed: "dismissed, not written",
  resolved: "no longer needed"
};
function ot(e, t) {
  const n = e.last_check, r = n ? `${n.repaired} repaired, ${n.flagged} flagged, ${n.waiting} waiting` + (n.orders_stale ? " (orders could not be read: no figure was raised)" : "") : "no target check yet";
  return [
    { label: "Repaired without asking", value: `up to ${e.limit}` },
    { label: "Last target check", value: n ? `${M(n.at, t)}: ${r}` : r },
    { label: "Repair history", value: `${e.count} record${e.count === 1 ? "" : "s"}` }
  ];
}
function V(e) {
  return e.part_name ? `${e.part_name} (${e.sku})` : e.sku;
}
function lt(e) {
  return `${V(e)}: the shop has ${e.shop_had}, InvenTree wants ${e.wanted}`;
}
function at(e, t) {
  return [...e.open_flags.filter((r) => r.sku === t), ...e.open_flags.filter((r) => r.sku !== t)];
}
function st(e, t) {
  return e.recent.slice(0, Te).map((n) => {
    const r = n.set !== null ? `set to ${n.set}` : `wanted ${n.wanted}`;
    return `${M(n.at, t)} ${V(n)}: shop had ${n.shop_had}, ${r} - ` + (rt[n.outcome] ?? n.outcome);
  });
}
const it = {
  shipped: "sent to the shop",
  already: "the shop had it already",
  nothing: "nothing to send",
  sending: "being sent",
  failed: "failed",
  dry_run: "dry run: not sent"
};
function ct(e, t) {
  return e.recent.slice(0, Te).map((n) => {
    const r = `${n.sales_order_reference ?? "sales order"} shipment ${n.shipment_reference ?? n.shipment}`, l = it[n.state ?? ""] ?? n.state ?? "not sent yet";
    if (n.state === "failed") {
      const a = n.retry_at ? `; retried ${M(new Date(n.retry_at * 1e3).toISOString(), t)}` : "; not retried any more";
      return `${r}: ${l} (attempt ${n.attempts ?? 1}): ${n.error ?? ""}${a}`;
    }
    return `${r}: ${l}${n.message ? ` (${n.message})` : ""}`;
  });
}
function ut(e, t) {
  const n = t.confirmed ?? t.dismissed;
  return e === "confirm" && t.confirmed ? { color: "green", title: "Repair written", lines: [`${V(t.confirmed)} set to ${t.confirmed.set}`] } : {
    color: "blue",
    title: "Flag dismissed",
    lines: n ? [`${V(n)} stays at ${n.shop_had} on the shop until a figure changes`] : []
  };
}
const d = window.React, dt = window.React.useCallback, de = window.React.useState, me = window.MantineCore.Alert, mt = window.MantineCore.Anchor, he = window.MantineCore.Button, ge = window.MantineCore.Group, H = window.MantineCore.List, pe = window.MantineCore.Stack, Z = window.MantineCore.Text, fe = window.MantineCore.Title;
function ht({ repairs: e, shipments: t, api: n, host: r, locale: l, sku: a, reload: p }) {
  const [$, k] = de(null), [y, c] = de(null), _ = dt((i, b) => {
    k(`${i}:${b.sku}`), c(null), n.post(
      i === "confirm" ? e.confirm_url : e.dismiss_url,
      { sku: b.sku }
    ).then((R) => {
      c(ut(i, R.data)), p();
    }).catch((R) => c(F(i === "confirm" ? "Not written" : "Not dismissed", R))).finally(() => k(null));
  }, [n, e.confirm_url, e.dismiss_url, p]), w = at(e, a), T = st(e, l), g = t ? ct(t, l) : [];
  return /* @__PURE__ */ d.createElement(pe, { gap: "xs" }, /* @__PURE__ */ d.createElement(fe, { order: 5 }, "Target check"), /* @__PURE__ */ d.createElement(G, { lines: ot(e, l) }), w.length > 0 && /* @__PURE__ */ d.createElement(me, { color: "orange", title: "Repairs waiting for you (beyond the limit: not written)" }, /* @__PURE__ */ d.createElement(pe, { gap: 4 }, w.map((i) => /* @__PURE__ */ d.createElement(ge, { key: i.sku, gap: "sm", justify: "space-between" }, /* @__PURE__ */ d.createElement(Z, { size: "sm", fw: i.sku === a ? 700 : 500 }, lt(i)), /* @__PURE__ */ d.createElement(ge, { gap: "xs" }, /* @__PURE__ */ d.createElement(
    he,
    {
      size: "xs",
      onClick: () => _("confirm", i),
      loading: $ === `confirm:${i.sku}`
    },
    "Confirm"
  ), /* @__PURE__ */ d.createElement(
    he,
    {
      size: "xs",
      variant: "outline",
      onClick: () => _("dismiss", i),
      loading: $ === `dismiss:${i.sku}`
    },
    "Dismiss"
  )))))), y && /* @__PURE__ */ d.createElement(I, { outcome: y, onClose: () => c(null) }), T.length > 0 && /* @__PURE__ */ d.createElement(H, { size: "sm" }, T.map((i, b) => /* @__PURE__ */ d.createElement(H.Item, { key: b }, i))), /* @__PURE__ */ d.createElement(mt, { href: ae(e.csv_url, r), size: "sm" }, "Repair history (CSV)"), t && /* @__PURE__ */ d.createElement(d.Fragment, null, /* @__PURE__ */ d.createElement(fe, { order: 5 }, "Shipments to the shop"), t.note && /* @__PURE__ */ d.createElement(Z, { size: "sm" }, t.note), t.failing > 0 && /* @__PURE__ */ d.createElement(me, { color: "red", title: `${t.failing} shipment(s) not sent yet` }, "The worker retries them; the list below says why they failed."), g.length > 0 ? /* @__PURE__ */ d.createElement(H, { size: "sm" }, g.map((i, b) => /* @__PURE__ */ d.createElement(H.Item, { key: b }, i))) : !t.note && /* @__PURE__ */ d.createElement(Z, { size: "sm" }, "No shipment of an imported order yet.")));
}
const s = window.React, J = window.React.useCallback, gt = window.React.useEffect, O = window.React.useState, L = window.MantineCore.Alert, pt = window.MantineCore.Anchor, ft = window.MantineCore.Badge, X = window.MantineCore.Button, ee = window.MantineCore.Group, wt = window.MantineCore.Loader, we = window.MantineCore.Stack, te = window.MantineCore.Table, Ee = window.MantineCore.Text;
function Et({ context: e }) {
  const t = e.context, n = e.id, [r, l] = O(null), [a, p] = O(null), [$, k] = O(null), [y, c] = O(null), [_, w] = O(!1), [T, g] = O(!1), i = J(() => {
    t && (p(null), e.api.get(t.status_url, { params: { part: n } }).then((m) => l(m.data)).catch((m) => p(F("Could not load the sync status", m))));
  }, [e.api, t?.status_url, n]);
  gt(i, [i]);
  const b = J(() => {
    t && (w(!0), k(null), e.api.post(t.sync_url, { part: n }).then((m) => {
      l((C) => C && qe(C, m.data)), k(xe(m.data));
    }).catch((m) => k(F("Sync now failed", m))).finally(() => w(!1)));
  }, [e.api, t?.sync_url, n]), R = J(() => {
    t && (g(!0), c(null), e.api.post(t.check_url, {}).then((m) => c(Ue(m.data))).catch((m) => c(F("Test connection failed", m))).finally(() => g(!1)));
  }, [e.api, t?.check_url]);
  if (!t)
    return /* @__PURE__ */ s.createElement(L, { color: "red", title: "Panel misconfigured" }, "The plugin sent no URLs for this panel.");
  if (a)
    return /* @__PURE__ */ s.createElement(we, { gap: "xs" }, /* @__PURE__ */ s.createElement(I, { outcome: a, onClose: () => p(null) }), /* @__PURE__ */ s.createElement(ee, null, /* @__PURE__ */ s.createElement(X, { variant: "outline", onClick: i }, "Retry")));
  if (!r)
    return /* @__PURE__ */ s.createElement(ee, { gap: "xs" }, /* @__PURE__ */ s.createElement(wt, { size: "sm" }), /* @__PURE__ */ s.createElement(Ee, { size: "sm" }, "Loading sync status..."));
  const E = r.parts[0], A = E ? Ie(E) : null, N = r;
  return /* @__PURE__ */ s.createElement(we, { gap: "sm" }, r.warnings.map((m) => /* @__PURE__ */ s.createElement(L, { color: "yellow", title: "Warning", key: m }, m)), r.dry_run && /* @__PURE__ */ s.createElement(L, { color: "blue", title: "Dry run" }, "Nothing is written to ", t.target, ": the status shows what would be pushed."), r.last_error && /* @__PURE__ */ s.createElement(L, { color: "red", title: "Last sync error" }, r.last_error), r.orders_stale && /* @__PURE__ */ s.createElement(L, { color: "yellow", title: "Orders are stale" }, "The last push could not read the shop's new orders first, so a sale made there may not be counted yet: ", r.orders_stale), E && A ? /* @__PURE__ */ s.createElement(s.Fragment, null, /* @__PURE__ */ s.createElement(G, { lines: Ae(E, e.locale) }, /* @__PURE__ */ s.createElement(te.Tr, null, /* @__PURE__ */ s.createElement(te.Th, { w: "30%" }, "Status"), /* @__PURE__ */ s.createElement(te.Td, null, /* @__PURE__ */ s.createElement(ft, { color: A.color, variant: "filled" }, A.label)))), E.last_error && /* @__PURE__ */ s.createElement(L, { color: "red", title: "Error for this part" }, E.last_error), E.linked && /* @__PURE__ */ s.createElement(G, { lines: Pe(E, r) }), E.linked && E.offer && /* @__PURE__ */ s.createElement(s.Fragment, null, /* @__PURE__ */ s.createElement(Ee, { size: "sm", fw: 500 }, "How this number was made"), /* @__PURE__ */ s.createElement(G, { lines: Be(E.offer) }))) : /* @__PURE__ */ s.createElement(L, { color: "gray", title: "No status" }, "No status for this part."), /* @__PURE__ */ s.createElement(ee, { gap: "sm" }, /* @__PURE__ */ s.createElement(X, { onClick: b, loading: _, disabled: !E?.linked }, "Sync now"), /* @__PURE__ */ s.createElement(X, { variant: "outline", onClick: R, loading: T }, "Test connection"), /* @__PURE__ */ s.createElement(pt, { href: ae(t.csv_url, e.host), size: "sm" }, "Parts not in sync (CSV)")), $ && /* @__PURE__ */ s.createElement(I, { outcome: $, onClose: () => k(null) }), y && /* @__PURE__ */ s.createElement(I, { outcome: y, onClose: () => c(null) }), r.orders && /* @__PURE__ */ s.createElement(
    nt,
    {
      orders: r.orders,
      api: e.api,
      host: e.host,
      locale: e.locale,
      sku: E?.sku,
      reload: i
    }
  ), N.repairs && /* @__PURE__ */ s.createElement(
    ht,
    {
      repairs: N.repairs,
      shipments: N.shipments,
      api: e.api,
      host: e.host,
      locale: e.locale,
      sku: E?.sku,
      reload: i
    }
  ));
}
function Dt(e) {
  return /* @__PURE__ */ s.createElement(Et, { context: e });
}
const ve = 50;
function kt(e, t) {
  const n = t.toLowerCase().split(/\s+/).filter(Boolean);
  return n.length ? e.filter((r) => {
    const l = `${r.sku} ${r.name} ${r.kind}`.toLowerCase();
    return n.every((a) => l.includes(a));
  }) : e;
}
function oe(e, t = ve) {
  return Math.max(1, Math.ceil(e / t));
}
function bt(e, t, n = ve) {
  const r = oe(e.length, n), l = Math.min(Math.max(1, t), r);
  return e.slice((l - 1) * n, l * n);
}
function ne(e, t, n) {
  const r = new Set(e);
  for (const l of t)
    n ? r.add(l.sku) : r.delete(l.sku);
  return r;
}
function $t(e, t) {
  const n = new Set(e);
  return n.delete(t) || n.add(t), n;
}
function yt(e, t) {
  const n = t.filter((r) => e.has(r.sku)).length;
  return n ? n === t.length ? "all" : "some" : "none";
}
function _t(e, t, n, r) {
  return {
    skus: e.filter((l) => t.has(l.sku)).map((l) => l.sku),
    category: n,
    location: r ? Number(r) : null
  };
}
function Ct(e) {
  const t = e.kind || "product";
  return e.parent_sku ? `${t}, variation of ${e.parent_sku}` : t;
}
function St(e) {
  return !e.managed || e.quantity === null ? "not tracked" : e.quantity;
}
function ke(e) {
  return {
    color: "blue",
    title: "Nothing to import",
    lines: [`Every product on ${e} with a SKU is held by a part already (or the shop has no products).`]
  };
}
function Tt(e, t) {
  return { color: "red", title: `Could not read the products of ${e}`, lines: [le(t)] };
}
function vt(e) {
  const t = e.created.filter((r) => r.stock_item !== null).length, n = [];
  return e.created.length && n.push(`${e.created.length} part${e.created.length === 1 ? "" : "s"} created` + (t ? `, ${t} with an initial stock item` : "")), n.push(...e.refused.map((r) => `${r.sku}: not imported: ${r.error}`)), e.created.length ? {
    color: e.refused.length ? "yellow" : "green",
    title: e.refused.length ? "Imported, with refusals" : "Imported",
    lines: n
  } : { color: "red", title: "Nothing was imported", lines: n };
}
function Mt(e, t) {
  return `${e.replace(/\/+$/, "")}/${t}/details`;
}
function Rt(e) {
  return `/part/${e}/details`;
}
function Lt(e) {
  return (Array.isArray(e) ? e : e?.results ?? []).flatMap((n) => {
    const r = n;
    return typeof r.pk == "number" ? [{ value: String(r.pk), label: r.pathstring || r.name || `#${r.pk}` }] : [];
  });
}
const o = window.React, be = window.React.useCallback, $e = window.React.useEffect, zt = window.React.useMemo, S = window.React.useState, ye = window.MantineCore.Alert, It = window.MantineCore.Anchor, U = window.MantineCore.Button, _e = window.MantineCore.Checkbox, D = window.MantineCore.Group, Ce = window.MantineCore.List, At = window.MantineCore.Loader, Nt = window.MantineCore.Pagination, Ot = window.MantineCore.Select, j = window.MantineCore.Stack, f = window.MantineCore.Table, B = window.MantineCore.Text, Bt = window.MantineCore.TextInput, Pt = 25;
function qt({ context: e }) {
  const t = e.context, [n, r] = S(null), [l, a] = S(null), [p, $] = S(""), [k, y] = S(1), [c, _] = S(/* @__PURE__ */ new Set()), [w, T] = S(null), [g, i] = S([]), [b, R] = S(""), [E, A] = S(!1), [N, m] = S(null), C = be(() => {
    t && (a(null), r(null), e.api.get(t.import_url).then((u) => r(u.data)).catch((u) => a(Tt(t.target, u))));
  }, [e.api, t?.import_url, t?.target]);
  $e(C, [C]), $e(() => {
    if (!t)
      return;
    const u = { limit: Pt, ordering: "pathstring" };
    b.trim() && (u.search = b.trim()), e.api.get(t.locations_url, { params: u }).then((q) => i((Le) => xt(Lt(q.data), Le, w))).catch(() => i((q) => q));
  }, [e.api, t?.locations_url, b]);
  const v = zt(() => kt(n?.products ?? [], p), [n, p]), Q = bt(v, k), Me = be(() => {
    !t || !n || e.id === void 0 || e.id === null || (A(!0), m(null), e.api.post(t.import_url, _t(n.products, c, e.id, w)).then((u) => {
      m({ outcome: vt(u.data), answer: u.data }), _((q) => ne(q, u.data.created, !1)), C();
    }).catch((u) => m({ outcome: F("Import failed: nothing was created", u) })).finally(() => A(!1)));
  }, [e.api, t?.import_url, n, c, e.id, w, C]);
  if (!t)
    return /* @__PURE__ */ o.createElement(ye, { color: "red", title: "Panel misconfigured" }, "The plugin sent no URLs for this panel.");
  const Re = e.instance?.pathstring || e.instance?.name || `category ${e.id}`, W = yt(c, v);
  return /* @__PURE__ */ o.createElement(j, { gap: "sm" }, /* @__PURE__ */ o.createElement(B, { size: "sm" }, "Products on ", t.target, " whose SKU no part holds. The chosen ones become parts of ", /* @__PURE__ */ o.createElement("b", null, Re), " (name, description, IPN = SKU, salable, the shop's price), linked to ", t.target, " at once. Nothing is changed on the shop."), N && /* @__PURE__ */ o.createElement(Ut, { result: N, urls: t, navigate: e.navigate, onClose: () => m(null) }), l && /* @__PURE__ */ o.createElement(j, { gap: "xs" }, /* @__PURE__ */ o.createElement(I, { outcome: l, onClose: () => a(null) }), /* @__PURE__ */ o.createElement(D, null, /* @__PURE__ */ o.createElement(U, { variant: "outline", onClick: C }, "Retry"))), !n && !l && /* @__PURE__ */ o.createElement(D, { gap: "xs" }, /* @__PURE__ */ o.createElement(At, { size: "sm" }), /* @__PURE__ */ o.createElement(B, { size: "sm" }, "Reading the products of ", t.target, "...")), n && n.count === 0 && /* @__PURE__ */ o.createElement(ye, { color: "blue", title: ke(t.target).title }, /* @__PURE__ */ o.createElement(j, { gap: "xs" }, /* @__PURE__ */ o.createElement(B, { size: "sm" }, ke(t.target).lines[0]), /* @__PURE__ */ o.createElement(D, null, /* @__PURE__ */ o.createElement(U, { size: "xs", variant: "outline", onClick: C }, "Read the shop again")))), n && n.count > 0 && /* @__PURE__ */ o.createElement(o.Fragment, null, /* @__PURE__ */ o.createElement(D, { gap: "sm", align: "end" }, /* @__PURE__ */ o.createElement(
    Bt,
    {
      label: "Filter",
      placeholder: "SKU, name or kind",
      value: p,
      w: 260,
      onChange: (u) => {
        $(u.currentTarget.value), y(1);
      }
    }
  ), /* @__PURE__ */ o.createElement(B, { size: "sm" }, v.length, " of ", n.count, " product", n.count === 1 ? "" : "s", " shown, ", c.size, " selected"), /* @__PURE__ */ o.createElement(
    U,
    {
      size: "xs",
      variant: "outline",
      onClick: () => _(ne(c, v, !0)),
      disabled: !v.length || W === "all"
    },
    "Select all shown"
  ), /* @__PURE__ */ o.createElement(
    U,
    {
      size: "xs",
      variant: "outline",
      onClick: () => _(/* @__PURE__ */ new Set()),
      disabled: !c.size
    },
    "Clear selection"
  )), /* @__PURE__ */ o.createElement(f, { striped: !0, withTableBorder: !0, highlightOnHover: !0 }, /* @__PURE__ */ o.createElement(f.Thead, null, /* @__PURE__ */ o.createElement(f.Tr, null, /* @__PURE__ */ o.createElement(f.Th, { w: 40 }, /* @__PURE__ */ o.createElement(
    _e,
    {
      "aria-label": "Select all shown",
      checked: W === "all",
      indeterminate: W === "some",
      onChange: () => _(ne(c, v, W !== "all"))
    }
  )), /* @__PURE__ */ o.createElement(f.Th, null, "SKU"), /* @__PURE__ */ o.createElement(f.Th, null, "Name"), /* @__PURE__ */ o.createElement(f.Th, null, "Kind"), /* @__PURE__ */ o.createElement(f.Th, null, "Price"), /* @__PURE__ */ o.createElement(f.Th, null, "Quantity"))), /* @__PURE__ */ o.createElement(f.Tbody, null, Q.map((u) => /* @__PURE__ */ o.createElement(f.Tr, { key: u.sku }, /* @__PURE__ */ o.createElement(f.Td, null, /* @__PURE__ */ o.createElement(
    _e,
    {
      "aria-label": `Select ${u.sku}`,
      checked: c.has(u.sku),
      onChange: () => _($t(c, u.sku))
    }
  )), /* @__PURE__ */ o.createElement(f.Td, null, u.sku), /* @__PURE__ */ o.createElement(f.Td, null, u.name), /* @__PURE__ */ o.createElement(f.Td, null, Ct(u)), /* @__PURE__ */ o.createElement(f.Td, null, u.price ?? "-"), /* @__PURE__ */ o.createElement(f.Td, null, St(u)))))), !Q.length && /* @__PURE__ */ o.createElement(B, { size: "sm" }, "No product matches the filter."), v.length > Q.length && /* @__PURE__ */ o.createElement(
    Nt,
    {
      total: oe(v.length),
      value: Math.min(k, oe(v.length)),
      onChange: y,
      size: "sm"
    }
  ), /* @__PURE__ */ o.createElement(D, { gap: "sm", align: "end" }, /* @__PURE__ */ o.createElement(
    Ot,
    {
      label: "Initial stock in location (optional)",
      w: 320,
      searchable: !0,
      clearable: !0,
      placeholder: "No stock: the parts start empty",
      data: g,
      value: w,
      onChange: T,
      searchValue: b,
      onSearchChange: R,
      nothingFoundMessage: "No such stock location"
    }
  ), /* @__PURE__ */ o.createElement(U, { onClick: Me, loading: E, disabled: !c.size }, "Import ", c.size || "", " product", c.size === 1 ? "" : "s")), !w && c.size > 0 && /* @__PURE__ */ o.createElement(B, { size: "xs", c: "dimmed" }, "Without a location the new parts hold no stock, and the next push sets them to 0 on ", t.target, ".")));
}
function xt(e, t, n) {
  const r = t.find((l) => l.value === n);
  return r && !e.some((l) => l.value === n) ? [r, ...e] : e;
}
function Ut({ result: e, urls: t, navigate: n, onClose: r }) {
  const l = e.answer?.created ?? [];
  return /* @__PURE__ */ o.createElement(j, { gap: 4 }, /* @__PURE__ */ o.createElement(I, { outcome: e.outcome, onClose: r }), l.length > 0 && /* @__PURE__ */ o.createElement(Ce, { size: "sm" }, l.map((a) => {
    const p = Mt(t.part_url, a.part);
    return /* @__PURE__ */ o.createElement(Ce.Item, { key: a.sku }, /* @__PURE__ */ o.createElement(It, { href: p, size: "sm", onClick: ($) => {
      n && ($.preventDefault(), n(Rt(a.part)));
    } }, a.sku), a.stock_item !== null ? " (with stock)" : "");
  })));
}
function Ft(e) {
  return /* @__PURE__ */ o.createElement(qt, { context: e });
}
export {
  Ft as renderImportPanel,
  Dt as renderPanel
};
