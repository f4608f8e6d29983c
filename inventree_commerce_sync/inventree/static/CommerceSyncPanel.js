/* inventree-commerce-sync part panel, built from frontend/ (npm run build); sources sha256 58c23420fe0adafeadc9b741dd265a42ea5fbb8e1cb5e255b20567f5c8a32737 */
const Ae = {
  synced: { label: "In sync", color: "green" },
  pending: { label: "Pending", color: "yellow" },
  dry_run: { label: "Dry run", color: "blue" },
  not_found: { label: "Not found on target", color: "orange" },
  skipped: { label: "Skipped", color: "orange" },
  error: { label: "Error", color: "red" },
  never_synced: { label: "Never synced", color: "gray" },
  unlinked: { label: "Not linked", color: "gray" }
};
function Oe(e) {
  return e.status === "synced" && !e.in_sync ? { label: "Changed since last push", color: "yellow" } : Ae[e.status] ?? { label: e.status.replace(/_/g, " "), color: "gray" };
}
function v(e, t) {
  if (!e)
    return "-";
  const n = new Date(e);
  return Number.isNaN(n.getTime()) ? e : n.toLocaleString(t ? t.replace("_", "-") : void 0);
}
function U(e) {
  return e == null || e === "" ? "-" : String(e);
}
function Pe(e, t) {
  return [
    { label: "SKU", value: e.linked ? U(e.sku) : `Not linked: ${e.reason || "no SKU"}` },
    { label: "Remote id", value: U(e.remote_id) },
    { label: "Attempts", value: U(e.attempts) },
    { label: "Last attempt", value: v(e.last_attempt, t) },
    { label: "Last success", value: v(e.last_success, t) }
  ];
}
const Be = {
  in_stock: "in stock",
  available: "available (in stock less allocated)",
  available_after_open_orders: "available after open orders (in stock less every open sales order)"
};
function qe(e) {
  return e.startsWith("-") ? e : `+${e}`;
}
function Ue(e) {
  const t = e.steps.map((n, r) => ({
    label: n.label,
    value: r === 0 || n.key === "in_stock" && e.steps[r - 1]?.key === "in_stock" ? n.amount : `${qe(n.amount)} = ${n.total}`
  }));
  return t.push({ label: "Figure pushed", value: e.quantity }), e.behaviour === "reserves_open_orders" && t.push({ label: "Offered for sale (the shop subtracts its own open orders)", value: e.sellable }), t;
}
function xe(e, t) {
  const n = [];
  return t.quantity_basis && n.push({ label: "Counted as", value: Be[t.quantity_basis] ?? t.quantity_basis }), t.buffer !== void 0 && t.buffer !== null && n.push({ label: "Safety buffer", value: t.buffer }), n.push(
    { label: "Quantity to push", value: U(e.quantity) },
    { label: "Last pushed", value: U(e.pushed_quantity) },
    { label: e.dry_run ? "Would push" : "Pending", value: U(e.pending_quantity) }
  ), n;
}
function De(e, t) {
  return {
    ...e,
    last_error: t.last_error,
    parts: t.parts.length ? t.parts : e.parts
  };
}
function Fe(e) {
  const t = e.parts[0];
  return t?.last_error && !t.in_sync ? { color: "red", title: "Sync did not succeed", lines: [t.last_error] } : t?.dry_run ? { color: "blue", title: "Dry run: nothing was written", lines: [e.summary ?? "nothing to do"] } : { color: "green", title: "Synced", lines: [e.summary ?? "nothing to do"] };
}
function Ge(e) {
  const t = e.url ? ` (${e.url})` : "";
  return {
    color: e.ok ? "green" : "red",
    title: e.ok ? `Connection works${t}` : `Connection failed${t}`,
    lines: e.details ?? []
  };
}
function W(e) {
  const t = e ?? {}, n = t.response?.data;
  if (n && typeof n == "object") {
    const r = n, l = r.error ?? r.detail;
    if (typeof l == "string" && l)
      return l;
  }
  return t.response?.status ? `The server answered HTTP ${t.response.status}` : t.message || String(e);
}
function j(e, t) {
  return { color: "red", title: e, lines: [W(t)] };
}
function ce(e, t) {
  return !t || /^https?:\/\//.test(e) ? e : t.replace(/\/+$/, "") + e;
}
const se = 5;
function We(e) {
  return e.import_enabled ? e.dry_run ? { label: "Dry run", color: "blue" } : { label: "Importing", color: "green" } : { label: "Import off", color: "gray" };
}
function Ke(e, t) {
  if (!e.webhook)
    return "none: orders are polled";
  const n = e.webhook_registration;
  return n ? `registered ${v(n.at, t)}` : "not registered by this plugin (polling still runs)";
}
function He(e, t) {
  const n = e.last_seen, r = e.needs_attention_count ?? e.needs_attention.length;
  return [
    { label: "Last order seen", value: n ? `${n.number} (changed ${v(n.modified, t)})` : "-" },
    { label: "Orders imported", value: String(e.imported) },
    { label: "Needing attention", value: String(r) },
    { label: "Last poll", value: v(e.last_poll, t) },
    { label: "Last audit", value: v(e.last_audit, t) },
    { label: "Webhook", value: Ke(e, t) }
  ];
}
function Ve(e, t) {
  return !!t && (e.includes(`'${t}'`) || e.includes(`"${t}"`));
}
function je(e, t) {
  const n = e.needs_attention.map((s) => {
    const m = [...s.problems, ...s.flag ? [s.flag] : []], $ = s.sales_order_reference ? ` - sales order ${s.sales_order_reference}` : "";
    return {
      key: s.order_id,
      title: `Order ${s.number}${$}${s.problems.length ? " (held)" : " (flagged)"}`,
      lines: m,
      thisPart: m.some((f) => Ve(f, t))
    };
  }), r = [...n.filter((s) => s.thisPart), ...n.filter((s) => !s.thisPart)], l = e.needs_attention_count ?? n.length;
  return { items: r.slice(0, se), more: Math.max(0, l - Math.min(se, r.length)) };
}
const Qe = {
  create: "would create a sales order",
  update: "would change the lines",
  cancel: "would cancel the sales order",
  flag: "would be flagged",
  skip: "would be skipped",
  unchanged: "nothing to change"
};
function Ye(e) {
  return [...e.would_import].reverse().slice(0, se).map((t) => {
    const n = t.lines.map((s) => `${s.quantity} x ${s.sku}`).join(", "), r = t.held ? `, held: ${t.problems.join("; ")}` : "", l = t.flag ? ` (${t.flag})` : "";
    return `${t.number}: ${Qe[t.action] ?? t.action}${l}${n ? `: ${n}` : ""}${r}`;
  });
}
function Me(e) {
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
function Ze(e) {
  const t = e?.response?.data;
  return t && typeof t == "object" && "registered" in t ? Me(t) : { color: "red", title: "Register webhook failed", lines: [W(e)] };
}
const N = window.React, Je = window.MantineCore.Alert, x = window.MantineCore.Table, Xe = window.MantineCore.Text;
function A({ outcome: e, onClose: t }) {
  return /* @__PURE__ */ N.createElement(Je, { color: e.color, title: e.title, withCloseButton: !0, onClose: t }, e.lines.map((n, r) => /* @__PURE__ */ N.createElement(Xe, { size: "sm", key: r }, n)));
}
function G({ lines: e, children: t }) {
  return /* @__PURE__ */ N.createElement(x, { striped: !0, withTableBorder: !0, withColumnBorders: !0 }, /* @__PURE__ */ N.createElement(x.Tbody, null, t, e.map((n, r) => /* @__PURE__ */ N.createElement(x.Tr, { key: `${r}:${n.label}` }, /* @__PURE__ */ N.createElement(x.Th, { w: "30%" }, n.label), /* @__PURE__ */ N.createElement(x.Td, null, n.value)))));
}
const g = window.React, et = window.React.useCallback, ue = window.React.useState, J = window.MantineCore.Alert, tt = window.MantineCore.Anchor, nt = window.MantineCore.Badge, rt = window.MantineCore.Button, de = window.MantineCore.Group, H = window.MantineCore.List, me = window.MantineCore.Stack, he = window.MantineCore.Text, ot = window.MantineCore.Title;
function lt({ orders: e, api: t, host: n, locale: r, sku: l, reload: s }) {
  const [m, $] = ue(!1), [f, _] = ue(null), c = et(() => {
    e.register_webhook_url && ($(!0), _(null), t.post(e.register_webhook_url, {}).then((p) => {
      _(Me(p.data)), s();
    }).catch((p) => _(Ze(p))).finally(() => $(!1)));
  }, [t, e.register_webhook_url, s]), y = We(e), E = je(e, l), T = e.dry_run ? Ye(e) : [];
  return /* @__PURE__ */ g.createElement(me, { gap: "xs" }, /* @__PURE__ */ g.createElement(de, { gap: "sm" }, /* @__PURE__ */ g.createElement(ot, { order: 5 }, "Orders"), /* @__PURE__ */ g.createElement(nt, { color: y.color, variant: "light" }, y.label)), /* @__PURE__ */ g.createElement(G, { lines: He(e, r) }), e.last_error && /* @__PURE__ */ g.createElement(J, { color: "red", title: "Last order import error" }, e.last_error), E.items.length > 0 && /* @__PURE__ */ g.createElement(J, { color: "orange", title: "Orders needing attention" }, /* @__PURE__ */ g.createElement(me, { gap: 4 }, E.items.map((p) => /* @__PURE__ */ g.createElement("div", { key: p.key }, /* @__PURE__ */ g.createElement(he, { size: "sm", fw: p.thisPart ? 700 : 500 }, p.title), /* @__PURE__ */ g.createElement(H, { size: "sm" }, p.lines.map((i, b) => /* @__PURE__ */ g.createElement(H.Item, { key: b }, i))))), E.more > 0 && /* @__PURE__ */ g.createElement(he, { size: "sm" }, "and ", E.more, " more (see the CSV)"))), T.length > 0 && /* @__PURE__ */ g.createElement(J, { color: "blue", title: "Dry run: would import" }, /* @__PURE__ */ g.createElement(H, { size: "sm" }, T.map((p, i) => /* @__PURE__ */ g.createElement(H.Item, { key: i }, p)))), /* @__PURE__ */ g.createElement(de, { gap: "sm" }, e.register_webhook_url && /* @__PURE__ */ g.createElement(rt, { variant: "outline", onClick: c, loading: m }, "Register webhook"), /* @__PURE__ */ g.createElement(tt, { href: ce(e.csv_url, n), size: "sm" }, "Orders needing attention (CSV)")), f && /* @__PURE__ */ g.createElement(A, { outcome: f, onClose: () => _(null) }));
}
const Re = 5, at = {
  repaired: "repaired",
  flagged: "flagged, not written",
  confirmed: "confirmed and written",
  dismissed: "dismissed, not written",
  resolved: "no longer needed"
};
function st(e, t) {
  const n = e.last_check, r = n ? `${n.repaired} repaired, ${n.flagged} flagged, ${n.waiting} waiting` + (n.orders_stale ? " (orders could not be read: no figure was raised)" : "") : "no target check yet";
  return [
    { label: "Repaired without asking", value: `up to ${e.limit}` },
    { label: "Last target check", value: n ? `${v(n.at, t)}: ${r}` : r },
    { label: "Repair history", value: `${e.count} record${e.count === 1 ? "" : "s"}` }
  ];
}
function Y(e) {
  return e.part_name ? `${e.part_name} (${e.sku})` : e.sku;
}
function it(e) {
  return `${Y(e)}: the shop has ${e.shop_had}, InvenTree wants ${e.wanted}`;
}
function ct(e, t) {
  return [...e.open_flags.filter((r) => r.sku === t), ...e.open_flags.filter((r) => r.sku !== t)];
}
function ut(e, t) {
  return e.recent.slice(0, Re).map((n) => {
    const r = n.set !== null ? `set to ${n.set}` : `wanted ${n.wanted}`;
    return `${v(n.at, t)} ${Y(n)}: shop had ${n.shop_had}, ${r} - ` + (at[n.outcome] ?? n.outcome);
  });
}
const dt = {
  shipped: "sent to the shop",
  already: "the shop had it already",
  nothing: "nothing to send",
  sending: "being sent",
  failed: "failed",
  dry_run: "dry run: not sent"
};
function mt(e, t) {
  return e.recent.slice(0, Re).map((n) => {
    const r = `${n.sales_order_reference ?? "sales order"} shipment ${n.shipment_reference ?? n.shipment}`, l = dt[n.state ?? ""] ?? n.state ?? "not sent yet";
    if (n.state === "failed") {
      const s = n.retry_at ? `; retried ${v(new Date(n.retry_at * 1e3).toISOString(), t)}` : "; not retried any more";
      return `${r}: ${l} (attempt ${n.attempts ?? 1}): ${n.error ?? ""}${s}`;
    }
    return `${r}: ${l}${n.message ? ` (${n.message})` : ""}`;
  });
}
function ht(e, t) {
  const n = t.confirmed ?? t.dismissed;
  return e === "confirm" && t.confirmed ? { color: "green", title: "Repair written", lines: [`${Y(t.confirmed)} set to ${t.confirmed.set}`] } : {
    color: "blue",
    title: "Flag dismissed",
    lines: n ? [`${Y(n)} stays at ${n.shop_had} on the shop until a figure changes`] : []
  };
}
const d = window.React, gt = window.React.useCallback, ge = window.React.useState, pe = window.MantineCore.Alert, pt = window.MantineCore.Anchor, fe = window.MantineCore.Button, we = window.MantineCore.Group, V = window.MantineCore.List, Ee = window.MantineCore.Stack, X = window.MantineCore.Text, ke = window.MantineCore.Title;
function ft({ repairs: e, shipments: t, api: n, host: r, locale: l, sku: s, reload: m }) {
  const [$, f] = ge(null), [_, c] = ge(null), y = gt((i, b) => {
    f(`${i}:${b.sku}`), c(null), n.post(
      i === "confirm" ? e.confirm_url : e.dismiss_url,
      { sku: b.sku }
    ).then((L) => {
      c(ht(i, L.data)), m();
    }).catch((L) => c(j(i === "confirm" ? "Not written" : "Not dismissed", L))).finally(() => f(null));
  }, [n, e.confirm_url, e.dismiss_url, m]), E = ct(e, s), T = ut(e, l), p = t ? mt(t, l) : [];
  return /* @__PURE__ */ d.createElement(Ee, { gap: "xs" }, /* @__PURE__ */ d.createElement(ke, { order: 5 }, "Target check"), /* @__PURE__ */ d.createElement(G, { lines: st(e, l) }), E.length > 0 && /* @__PURE__ */ d.createElement(pe, { color: "orange", title: "Repairs waiting for you (beyond the limit: not written)" }, /* @__PURE__ */ d.createElement(Ee, { gap: 4 }, E.map((i) => /* @__PURE__ */ d.createElement(we, { key: i.sku, gap: "sm", justify: "space-between" }, /* @__PURE__ */ d.createElement(X, { size: "sm", fw: i.sku === s ? 700 : 500 }, it(i)), /* @__PURE__ */ d.createElement(we, { gap: "xs" }, /* @__PURE__ */ d.createElement(
    fe,
    {
      size: "xs",
      onClick: () => y("confirm", i),
      loading: $ === `confirm:${i.sku}`
    },
    "Confirm"
  ), /* @__PURE__ */ d.createElement(
    fe,
    {
      size: "xs",
      variant: "outline",
      onClick: () => y("dismiss", i),
      loading: $ === `dismiss:${i.sku}`
    },
    "Dismiss"
  )))))), _ && /* @__PURE__ */ d.createElement(A, { outcome: _, onClose: () => c(null) }), T.length > 0 && /* @__PURE__ */ d.createElement(V, { size: "sm" }, T.map((i, b) => /* @__PURE__ */ d.createElement(V.Item, { key: b }, i))), /* @__PURE__ */ d.createElement(pt, { href: ce(e.csv_url, r), size: "sm" }, "Repair history (CSV)"), t && /* @__PURE__ */ d.createElement(d.Fragment, null, /* @__PURE__ */ d.createElement(ke, { order: 5 }, "Shipments to the shop"), t.note && /* @__PURE__ */ d.createElement(X, { size: "sm" }, t.note), t.failing > 0 && /* @__PURE__ */ d.createElement(pe, { color: "red", title: `${t.failing} shipment(s) not sent yet` }, "The worker retries them; the list below says why they failed."), p.length > 0 ? /* @__PURE__ */ d.createElement(V, { size: "sm" }, p.map((i, b) => /* @__PURE__ */ d.createElement(V.Item, { key: b }, i))) : !t.note && /* @__PURE__ */ d.createElement(X, { size: "sm" }, "No shipment of an imported order yet.")));
}
const a = window.React, ee = window.React.useCallback, wt = window.React.useEffect, B = window.React.useState, z = window.MantineCore.Alert, Et = window.MantineCore.Anchor, kt = window.MantineCore.Badge, te = window.MantineCore.Button, ne = window.MantineCore.Group, bt = window.MantineCore.Loader, be = window.MantineCore.Stack, re = window.MantineCore.Table, $e = window.MantineCore.Text;
function $t({ context: e }) {
  const t = e.context, n = e.id, [r, l] = B(null), [s, m] = B(null), [$, f] = B(null), [_, c] = B(null), [y, E] = B(!1), [T, p] = B(!1), i = ee(() => {
    t && (m(null), e.api.get(t.status_url, { params: { part: n } }).then((h) => l(h.data)).catch((h) => m(j("Could not load the sync status", h))));
  }, [e.api, t?.status_url, n]);
  wt(i, [i]);
  const b = ee(() => {
    t && (E(!0), f(null), e.api.post(t.sync_url, { part: n }).then((h) => {
      l((P) => P && De(P, h.data)), f(Fe(h.data));
    }).catch((h) => f(j("Sync now failed", h))).finally(() => E(!1)));
  }, [e.api, t?.sync_url, n]), L = ee(() => {
    t && (p(!0), c(null), e.api.post(t.check_url, {}).then((h) => c(Ge(h.data))).catch((h) => c(j("Test connection failed", h))).finally(() => p(!1)));
  }, [e.api, t?.check_url]);
  if (!t)
    return /* @__PURE__ */ a.createElement(z, { color: "red", title: "Panel misconfigured" }, "The plugin sent no URLs for this panel.");
  if (s)
    return /* @__PURE__ */ a.createElement(be, { gap: "xs" }, /* @__PURE__ */ a.createElement(A, { outcome: s, onClose: () => m(null) }), /* @__PURE__ */ a.createElement(ne, null, /* @__PURE__ */ a.createElement(te, { variant: "outline", onClick: i }, "Retry")));
  if (!r)
    return /* @__PURE__ */ a.createElement(ne, { gap: "xs" }, /* @__PURE__ */ a.createElement(bt, { size: "sm" }), /* @__PURE__ */ a.createElement($e, { size: "sm" }, "Loading sync status..."));
  const k = r.parts[0], O = k ? Oe(k) : null, M = r;
  return /* @__PURE__ */ a.createElement(be, { gap: "sm" }, r.warnings.map((h) => /* @__PURE__ */ a.createElement(z, { color: "yellow", title: "Warning", key: h }, h)), r.dry_run && /* @__PURE__ */ a.createElement(z, { color: "blue", title: "Dry run" }, "Nothing is written to ", t.target, ": the status shows what would be pushed."), r.last_error && /* @__PURE__ */ a.createElement(z, { color: "red", title: "Last sync error" }, r.last_error), r.orders_stale && /* @__PURE__ */ a.createElement(z, { color: "yellow", title: "Orders are stale" }, "The last push could not read the shop's new orders first, so a sale made there may not be counted yet: ", r.orders_stale), k && O ? /* @__PURE__ */ a.createElement(a.Fragment, null, /* @__PURE__ */ a.createElement(G, { lines: Pe(k, e.locale) }, /* @__PURE__ */ a.createElement(re.Tr, null, /* @__PURE__ */ a.createElement(re.Th, { w: "30%" }, "Status"), /* @__PURE__ */ a.createElement(re.Td, null, /* @__PURE__ */ a.createElement(kt, { color: O.color, variant: "filled" }, O.label)))), k.last_error && /* @__PURE__ */ a.createElement(z, { color: "red", title: "Error for this part" }, k.last_error), k.linked && /* @__PURE__ */ a.createElement(G, { lines: xe(k, r) }), k.linked && k.offer && /* @__PURE__ */ a.createElement(a.Fragment, null, /* @__PURE__ */ a.createElement($e, { size: "sm", fw: 500 }, "How this number was made"), /* @__PURE__ */ a.createElement(G, { lines: Ue(k.offer) }))) : /* @__PURE__ */ a.createElement(z, { color: "gray", title: "No status" }, "No status for this part."), /* @__PURE__ */ a.createElement(ne, { gap: "sm" }, /* @__PURE__ */ a.createElement(te, { onClick: b, loading: y, disabled: !k?.linked }, "Sync now"), /* @__PURE__ */ a.createElement(te, { variant: "outline", onClick: L, loading: T }, "Test connection"), /* @__PURE__ */ a.createElement(Et, { href: ce(t.csv_url, e.host), size: "sm" }, "Parts not in sync (CSV)")), $ && /* @__PURE__ */ a.createElement(A, { outcome: $, onClose: () => f(null) }), _ && /* @__PURE__ */ a.createElement(A, { outcome: _, onClose: () => c(null) }), r.orders && /* @__PURE__ */ a.createElement(
    lt,
    {
      orders: r.orders,
      api: e.api,
      host: e.host,
      locale: e.locale,
      sku: k?.sku,
      reload: i
    }
  ), M.repairs && /* @__PURE__ */ a.createElement(
    ft,
    {
      repairs: M.repairs,
      shipments: M.shipments,
      api: e.api,
      host: e.host,
      locale: e.locale,
      sku: k?.sku,
      reload: i
    }
  ));
}
function Ht(e) {
  return /* @__PURE__ */ a.createElement($t, { context: e });
}
const Le = 50, ye = 20, _e = 3e5;
function yt(e, t) {
  const n = t.toLowerCase().split(/\s+/).filter(Boolean);
  return n.length ? e.filter((r) => {
    const l = `${r.sku} ${r.name} ${r.kind}`.toLowerCase();
    return n.every((s) => l.includes(s));
  }) : e;
}
function ie(e, t = Le) {
  return Math.max(1, Math.ceil(e / t));
}
function _t(e, t, n = Le) {
  const r = ie(e.length, n), l = Math.min(Math.max(1, t), r);
  return e.slice((l - 1) * n, l * n);
}
function oe(e, t, n) {
  const r = new Set(e);
  for (const l of t)
    n ? r.add(l.sku) : r.delete(l.sku);
  return r;
}
function Ct(e, t) {
  const n = new Set(e);
  return n.delete(t) || n.add(t), n;
}
function Tt(e, t) {
  const n = t.filter((r) => e.has(r.sku)).length;
  return n ? n === t.length ? "all" : "some" : "none";
}
function St(e, t, n, r) {
  return {
    skus: e.filter((l) => t.has(l.sku)).map((l) => l.sku),
    category: n,
    location: r ? Number(r) : null
  };
}
function vt(e) {
  const t = e.kind || "product";
  return e.parent_sku ? `${t}, variation of ${e.parent_sku}` : t;
}
function Mt(e) {
  return !e.managed || e.quantity === null ? "not tracked" : e.quantity;
}
function Ce(e) {
  return {
    color: "blue",
    title: "Nothing to import",
    lines: [`Every product on ${e} with a SKU is held by a part already (or the shop has no products).`]
  };
}
function Rt(e, t) {
  return { color: "red", title: `Could not read the products of ${e}`, lines: [W(t)] };
}
function Lt(e) {
  const t = e.created.filter((r) => r.stock_item !== null).length, n = [];
  return e.created.length && n.push(`${e.created.length} part${e.created.length === 1 ? "" : "s"} created` + (t ? `, ${t} with an initial stock item` : "") + (e.seconds !== void 0 ? ` in ${e.seconds} s` : "")), n.push(...e.refused.map((r) => `${r.sku}: not imported: ${r.error}`)), e.created.length ? {
    color: e.refused.length ? "yellow" : "green",
    title: e.refused.length ? "Imported, with refusals" : "Imported",
    lines: n
  } : { color: "red", title: "Nothing was imported", lines: n };
}
function It(e) {
  const t = e?.response?.status;
  return t && t < 500 ? { color: "red", title: "Import refused: nothing was created", lines: [W(e)] } : {
    color: "yellow",
    title: "No answer to the import",
    lines: [W(e), "The parts may have been created all the same: the list below is read again and no longer shows the products that were imported (the category's parts list shows them)."]
  };
}
function zt(e, t) {
  return `${e.replace(/\/+$/, "")}/${t}/details`;
}
function Nt(e) {
  return `/part/${e}/details`;
}
function At(e) {
  return (Array.isArray(e) ? e : e?.results ?? []).flatMap((n) => {
    const r = n;
    return typeof r.pk == "number" ? [{ value: String(r.pk), label: r.pathstring || r.name || `#${r.pk}` }] : [];
  });
}
const o = window.React, Te = window.React.useCallback, le = window.React.useEffect, Ot = window.React.useMemo, Pt = window.React.useRef, C = window.React.useState, Se = window.MantineCore.Alert, Bt = window.MantineCore.Anchor, D = window.MantineCore.Button, ve = window.MantineCore.Checkbox, F = window.MantineCore.Group, ae = window.MantineCore.List, qt = window.MantineCore.Loader, Ut = window.MantineCore.Pagination, xt = window.MantineCore.Select, Q = window.MantineCore.Stack, w = window.MantineCore.Table, q = window.MantineCore.Text, Dt = window.MantineCore.TextInput, Ft = 25;
function Gt({ context: e }) {
  const t = e.context, [n, r] = C(null), [l, s] = C(null), [m, $] = C(""), [f, _] = C(1), [c, y] = C(/* @__PURE__ */ new Set()), [E, T] = C(null), [p, i] = C([]), [b, L] = C(""), [k, O] = C(!1), [M, h] = C(null), P = Pt(null);
  le(() => {
    M && P.current?.scrollIntoView?.({ block: "nearest" });
  }, [M]);
  const I = Te(() => {
    t && (s(null), r(null), e.api.get(t.import_url, { timeout: _e }).then((u) => r(u.data)).catch((u) => s(Rt(t.target, u))));
  }, [e.api, t?.import_url, t?.target]);
  le(I, [I]), le(() => {
    if (!t)
      return;
    const u = { limit: Ft, ordering: "pathstring" };
    b.trim() && (u.search = b.trim()), e.api.get(t.locations_url, { params: u }).then((R) => i((Ne) => Wt(At(R.data), Ne, E))).catch(() => i((R) => R));
  }, [e.api, t?.locations_url, b]);
  const S = Ot(() => yt(n?.products ?? [], m), [n, m]), Z = _t(S, f), Ie = Te(() => {
    !t || !n || e.id === void 0 || e.id === null || (O(!0), h(null), e.api.post(
      t.import_url,
      St(n.products, c, e.id, E),
      { timeout: _e }
    ).then((u) => {
      h({ outcome: Lt(u.data), answer: u.data }), y((R) => oe(R, u.data.created, !1)), I();
    }).catch((u) => {
      h({ outcome: It(u) });
      const R = u?.response?.status;
      (!R || R >= 500) && (y(/* @__PURE__ */ new Set()), I());
    }).finally(() => O(!1)));
  }, [e.api, t?.import_url, n, c, e.id, E, I]);
  if (!t)
    return /* @__PURE__ */ o.createElement(Se, { color: "red", title: "Panel misconfigured" }, "The plugin sent no URLs for this panel.");
  const ze = e.instance?.pathstring || e.instance?.name || `category ${e.id}`, K = Tt(c, S);
  return /* @__PURE__ */ o.createElement(Q, { gap: "sm", ref: P }, /* @__PURE__ */ o.createElement(q, { size: "sm" }, "Products on ", t.target, " whose SKU no part holds. The chosen ones become parts of ", /* @__PURE__ */ o.createElement("b", null, ze), " (name, description, IPN = SKU, salable, the shop's price), linked to ", t.target, " at once. Nothing is changed on the shop."), M && /* @__PURE__ */ o.createElement(Kt, { result: M, urls: t, navigate: e.navigate, onClose: () => h(null) }), l && /* @__PURE__ */ o.createElement(Q, { gap: "xs" }, /* @__PURE__ */ o.createElement(A, { outcome: l, onClose: () => s(null) }), /* @__PURE__ */ o.createElement(F, null, /* @__PURE__ */ o.createElement(D, { variant: "outline", onClick: I }, "Retry"))), !n && !l && /* @__PURE__ */ o.createElement(F, { gap: "xs" }, /* @__PURE__ */ o.createElement(qt, { size: "sm" }), /* @__PURE__ */ o.createElement(q, { size: "sm" }, "Reading the products of ", t.target, "...")), n && n.count === 0 && /* @__PURE__ */ o.createElement(Se, { color: "blue", title: Ce(t.target).title }, /* @__PURE__ */ o.createElement(Q, { gap: "xs" }, /* @__PURE__ */ o.createElement(q, { size: "sm" }, Ce(t.target).lines[0]), /* @__PURE__ */ o.createElement(F, null, /* @__PURE__ */ o.createElement(D, { size: "xs", variant: "outline", onClick: I }, "Read the shop again")))), n && n.count > 0 && /* @__PURE__ */ o.createElement(o.Fragment, null, /* @__PURE__ */ o.createElement(F, { gap: "sm", align: "end" }, /* @__PURE__ */ o.createElement(
    Dt,
    {
      label: "Filter",
      placeholder: "SKU, name or kind",
      value: m,
      w: 260,
      onChange: (u) => {
        $(u.currentTarget.value), _(1);
      }
    }
  ), /* @__PURE__ */ o.createElement(q, { size: "sm" }, S.length, " of ", n.count, " product", n.count === 1 ? "" : "s", " shown, ", c.size, " selected"), /* @__PURE__ */ o.createElement(
    D,
    {
      size: "xs",
      variant: "outline",
      onClick: () => y(oe(c, S, !0)),
      disabled: !S.length || K === "all"
    },
    "Select all shown"
  ), /* @__PURE__ */ o.createElement(
    D,
    {
      size: "xs",
      variant: "outline",
      onClick: () => y(/* @__PURE__ */ new Set()),
      disabled: !c.size
    },
    "Clear selection"
  )), /* @__PURE__ */ o.createElement(w, { striped: !0, withTableBorder: !0, highlightOnHover: !0 }, /* @__PURE__ */ o.createElement(w.Thead, null, /* @__PURE__ */ o.createElement(w.Tr, null, /* @__PURE__ */ o.createElement(w.Th, { w: 40 }, /* @__PURE__ */ o.createElement(
    ve,
    {
      "aria-label": "Select all shown",
      checked: K === "all",
      indeterminate: K === "some",
      onChange: () => y(oe(c, S, K !== "all"))
    }
  )), /* @__PURE__ */ o.createElement(w.Th, null, "SKU"), /* @__PURE__ */ o.createElement(w.Th, null, "Name"), /* @__PURE__ */ o.createElement(w.Th, null, "Kind"), /* @__PURE__ */ o.createElement(w.Th, null, "Price"), /* @__PURE__ */ o.createElement(w.Th, null, "Quantity"))), /* @__PURE__ */ o.createElement(w.Tbody, null, Z.map((u) => /* @__PURE__ */ o.createElement(w.Tr, { key: u.sku }, /* @__PURE__ */ o.createElement(w.Td, null, /* @__PURE__ */ o.createElement(
    ve,
    {
      "aria-label": `Select ${u.sku}`,
      checked: c.has(u.sku),
      onChange: () => y(Ct(c, u.sku))
    }
  )), /* @__PURE__ */ o.createElement(w.Td, null, u.sku), /* @__PURE__ */ o.createElement(w.Td, null, u.name), /* @__PURE__ */ o.createElement(w.Td, null, vt(u)), /* @__PURE__ */ o.createElement(w.Td, null, u.price ?? "-"), /* @__PURE__ */ o.createElement(w.Td, null, Mt(u)))))), !Z.length && /* @__PURE__ */ o.createElement(q, { size: "sm" }, "No product matches the filter."), S.length > Z.length && /* @__PURE__ */ o.createElement(
    Ut,
    {
      total: ie(S.length),
      value: Math.min(f, ie(S.length)),
      onChange: _,
      size: "sm"
    }
  ), /* @__PURE__ */ o.createElement(F, { gap: "sm", align: "end" }, /* @__PURE__ */ o.createElement(
    xt,
    {
      label: "Initial stock in location (optional)",
      w: 320,
      searchable: !0,
      clearable: !0,
      placeholder: "No stock: the parts start empty",
      data: p,
      value: E,
      onChange: T,
      searchValue: b,
      onSearchChange: L,
      nothingFoundMessage: "No such stock location"
    }
  ), /* @__PURE__ */ o.createElement(D, { onClick: Ie, loading: k, disabled: !c.size }, "Import ", c.size || "", " product", c.size === 1 ? "" : "s")), !E && c.size > 0 && /* @__PURE__ */ o.createElement(q, { size: "xs", c: "dimmed" }, "Without a location the new parts hold no stock, and the next push sets them to 0 on ", t.target, ".")));
}
function Wt(e, t, n) {
  const r = t.find((l) => l.value === n);
  return r && !e.some((l) => l.value === n) ? [r, ...e] : e;
}
function Kt({ result: e, urls: t, navigate: n, onClose: r }) {
  const l = e.answer?.created ?? [], s = l.length - ye;
  return /* @__PURE__ */ o.createElement(Q, { gap: 4 }, /* @__PURE__ */ o.createElement(A, { outcome: e.outcome, onClose: r }), l.length > 0 && /* @__PURE__ */ o.createElement(ae, { size: "sm" }, l.slice(0, ye).map((m) => {
    const $ = zt(t.part_url, m.part);
    return /* @__PURE__ */ o.createElement(ae.Item, { key: m.sku }, /* @__PURE__ */ o.createElement(Bt, { href: $, size: "sm", onClick: (f) => {
      n && (f.preventDefault(), n(Nt(m.part)));
    } }, m.sku), m.stock_item !== null ? " (with stock)" : "");
  }), s > 0 && /* @__PURE__ */ o.createElement(ae.Item, null, "and ", s, " more: this category's Parts tab lists them all")));
}
function Vt(e) {
  return /* @__PURE__ */ o.createElement(Gt, { context: e });
}
export {
  Vt as renderImportPanel,
  Ht as renderPanel
};
