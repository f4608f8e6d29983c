/* inventree-commerce-sync part panel, built from frontend/ (npm run build); sources sha256 68c1a2a3ca339729fb9ec590e88311a0c434d3648db88d382a201d821219ae6d */
const Ne = {
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
  return e.status === "synced" && !e.in_sync ? { label: "Changed since last push", color: "yellow" } : Ne[e.status] ?? { label: e.status.replace(/_/g, " "), color: "gray" };
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
function Ae(e, t) {
  return [
    { label: "SKU", value: e.linked ? U(e.sku) : `Not linked: ${e.reason || "no SKU"}` },
    { label: "Remote id", value: U(e.remote_id) },
    { label: "Attempts", value: U(e.attempts) },
    { label: "Last attempt", value: v(e.last_attempt, t) },
    { label: "Last success", value: v(e.last_success, t) }
  ];
}
const Pe = {
  in_stock: "in stock",
  available: "available (in stock less allocated)",
  available_after_open_orders: "available after open orders (in stock less every open sales order)"
};
function Be(e) {
  return e.startsWith("-") ? e : `+${e}`;
}
function qe(e) {
  const t = e.steps.map((n, r) => ({
    label: n.label,
    value: r === 0 || n.key === "in_stock" && e.steps[r - 1]?.key === "in_stock" ? n.amount : `${Be(n.amount)} = ${n.total}`
  }));
  return t.push({ label: "Figure pushed", value: e.quantity }), e.behaviour === "reserves_open_orders" && t.push({ label: "Offered for sale (the shop subtracts its own open orders)", value: e.sellable }), t;
}
function Ue(e, t) {
  const n = [];
  return t.quantity_basis && n.push({ label: "Counted as", value: Pe[t.quantity_basis] ?? t.quantity_basis }), t.buffer !== void 0 && t.buffer !== null && n.push({ label: "Safety buffer", value: t.buffer }), n.push(
    { label: "Quantity to push", value: U(e.quantity) },
    { label: "Last pushed", value: U(e.pushed_quantity) },
    { label: e.dry_run ? "Would push" : "Pending", value: U(e.pending_quantity) }
  ), n;
}
function xe(e, t) {
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
function De(e) {
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
function ie(e, t) {
  return !t || /^https?:\/\//.test(e) ? e : t.replace(/\/+$/, "") + e;
}
const ae = 5;
function Ge(e) {
  return e.import_enabled ? e.dry_run ? { label: "Dry run", color: "blue" } : { label: "Importing", color: "green" } : { label: "Import off", color: "gray" };
}
function We(e, t) {
  if (!e.webhook)
    return "none: orders are polled";
  const n = e.webhook_registration;
  return n ? `registered ${v(n.at, t)}` : "not registered by this plugin (polling still runs)";
}
function Ke(e, t) {
  const n = e.last_seen, r = e.needs_attention_count ?? e.needs_attention.length;
  return [
    { label: "Last order seen", value: n ? `${n.number} (changed ${v(n.modified, t)})` : "-" },
    { label: "Orders imported", value: String(e.imported) },
    { label: "Needing attention", value: String(r) },
    { label: "Last poll", value: v(e.last_poll, t) },
    { label: "Last audit", value: v(e.last_audit, t) },
    { label: "Webhook", value: We(e, t) }
  ];
}
function He(e, t) {
  return !!t && (e.includes(`'${t}'`) || e.includes(`"${t}"`));
}
function Ve(e, t) {
  const n = e.needs_attention.map((a) => {
    const p = [...a.problems, ...a.flag ? [a.flag] : []], $ = a.sales_order_reference ? ` - sales order ${a.sales_order_reference}` : "";
    return {
      key: a.order_id,
      title: `Order ${a.number}${$}${a.problems.length ? " (held)" : " (flagged)"}`,
      lines: p,
      thisPart: p.some((k) => He(k, t))
    };
  }), r = [...n.filter((a) => a.thisPart), ...n.filter((a) => !a.thisPart)], l = e.needs_attention_count ?? n.length;
  return { items: r.slice(0, ae), more: Math.max(0, l - Math.min(ae, r.length)) };
}
const je = {
  create: "would create a sales order",
  update: "would change the lines",
  cancel: "would cancel the sales order",
  flag: "would be flagged",
  skip: "would be skipped",
  unchanged: "nothing to change"
};
function Qe(e) {
  return [...e.would_import].reverse().slice(0, ae).map((t) => {
    const n = t.lines.map((a) => `${a.quantity} x ${a.sku}`).join(", "), r = t.held ? `, held: ${t.problems.join("; ")}` : "", l = t.flag ? ` (${t.flag})` : "";
    return `${t.number}: ${je[t.action] ?? t.action}${l}${n ? `: ${n}` : ""}${r}`;
  });
}
function ve(e) {
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
function Ye(e) {
  const t = e?.response?.data;
  return t && typeof t == "object" && "registered" in t ? ve(t) : { color: "red", title: "Register webhook failed", lines: [W(e)] };
}
const N = window.React, Ze = window.MantineCore.Alert, x = window.MantineCore.Table, Je = window.MantineCore.Text;
function O({ outcome: e, onClose: t }) {
  return /* @__PURE__ */ N.createElement(Ze, { color: e.color, title: e.title, withCloseButton: !0, onClose: t }, e.lines.map((n, r) => /* @__PURE__ */ N.createElement(Je, { size: "sm", key: r }, n)));
}
function G({ lines: e, children: t }) {
  return /* @__PURE__ */ N.createElement(x, { striped: !0, withTableBorder: !0, withColumnBorders: !0 }, /* @__PURE__ */ N.createElement(x.Tbody, null, t, e.map((n, r) => /* @__PURE__ */ N.createElement(x.Tr, { key: `${r}:${n.label}` }, /* @__PURE__ */ N.createElement(x.Th, { w: "30%" }, n.label), /* @__PURE__ */ N.createElement(x.Td, null, n.value)))));
}
const h = window.React, Xe = window.React.useCallback, ce = window.React.useState, J = window.MantineCore.Alert, et = window.MantineCore.Anchor, tt = window.MantineCore.Badge, nt = window.MantineCore.Button, ue = window.MantineCore.Group, H = window.MantineCore.List, de = window.MantineCore.Stack, me = window.MantineCore.Text, rt = window.MantineCore.Title;
function ot({ orders: e, api: t, host: n, locale: r, sku: l, reload: a }) {
  const [p, $] = ce(!1), [k, _] = ce(null), c = Xe(() => {
    e.register_webhook_url && ($(!0), _(null), t.post(e.register_webhook_url, {}).then((g) => {
      _(ve(g.data)), a();
    }).catch((g) => _(Ye(g))).finally(() => $(!1)));
  }, [t, e.register_webhook_url, a]), y = Ge(e), w = Ve(e, l), T = e.dry_run ? Qe(e) : [];
  return /* @__PURE__ */ h.createElement(de, { gap: "xs" }, /* @__PURE__ */ h.createElement(ue, { gap: "sm" }, /* @__PURE__ */ h.createElement(rt, { order: 5 }, "Orders"), /* @__PURE__ */ h.createElement(tt, { color: y.color, variant: "light" }, y.label)), /* @__PURE__ */ h.createElement(G, { lines: Ke(e, r) }), e.last_error && /* @__PURE__ */ h.createElement(J, { color: "red", title: "Last order import error" }, e.last_error), w.items.length > 0 && /* @__PURE__ */ h.createElement(J, { color: "orange", title: "Orders needing attention" }, /* @__PURE__ */ h.createElement(de, { gap: 4 }, w.items.map((g) => /* @__PURE__ */ h.createElement("div", { key: g.key }, /* @__PURE__ */ h.createElement(me, { size: "sm", fw: g.thisPart ? 700 : 500 }, g.title), /* @__PURE__ */ h.createElement(H, { size: "sm" }, g.lines.map((i, b) => /* @__PURE__ */ h.createElement(H.Item, { key: b }, i))))), w.more > 0 && /* @__PURE__ */ h.createElement(me, { size: "sm" }, "and ", w.more, " more (see the CSV)"))), T.length > 0 && /* @__PURE__ */ h.createElement(J, { color: "blue", title: "Dry run: would import" }, /* @__PURE__ */ h.createElement(H, { size: "sm" }, T.map((g, i) => /* @__PURE__ */ h.createElement(H.Item, { key: i }, g)))), /* @__PURE__ */ h.createElement(ue, { gap: "sm" }, e.register_webhook_url && /* @__PURE__ */ h.createElement(nt, { variant: "outline", onClick: c, loading: p }, "Register webhook"), /* @__PURE__ */ h.createElement(et, { href: ie(e.csv_url, n), size: "sm" }, "Orders needing attention (CSV)")), k && /* @__PURE__ */ h.createElement(O, { outcome: k, onClose: () => _(null) }));
}
const Me = 5, lt = {
  repaired: "repaired",
  flagged: "flagged, not written",
  confirmed: "confirmed and written",
  dismissed: "dismissed, not written",
  resolved: "no longer needed"
};
function at(e, t) {
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
function st(e) {
  return `${Y(e)}: the shop has ${e.shop_had}, InvenTree wants ${e.wanted}`;
}
function it(e, t) {
  return [...e.open_flags.filter((r) => r.sku === t), ...e.open_flags.filter((r) => r.sku !== t)];
}
function ct(e, t) {
  return e.recent.slice(0, Me).map((n) => {
    const r = n.set !== null ? `set to ${n.set}` : `wanted ${n.wanted}`;
    return `${v(n.at, t)} ${Y(n)}: shop had ${n.shop_had}, ${r} - ` + (lt[n.outcome] ?? n.outcome);
  });
}
const ut = {
  shipped: "sent to the shop",
  already: "the shop had it already",
  nothing: "nothing to send",
  sending: "being sent",
  failed: "failed",
  dry_run: "dry run: not sent"
};
function dt(e, t) {
  return e.recent.slice(0, Me).map((n) => {
    const r = `${n.sales_order_reference ?? "sales order"} shipment ${n.shipment_reference ?? n.shipment}`, l = ut[n.state ?? ""] ?? n.state ?? "not sent yet";
    if (n.state === "failed") {
      const a = n.retry_at ? `; retried ${v(new Date(n.retry_at * 1e3).toISOString(), t)}` : "; not retried any more";
      return `${r}: ${l} (attempt ${n.attempts ?? 1}): ${n.error ?? ""}${a}`;
    }
    return `${r}: ${l}${n.message ? ` (${n.message})` : ""}`;
  });
}
function mt(e, t) {
  const n = t.confirmed ?? t.dismissed;
  return e === "confirm" && t.confirmed ? { color: "green", title: "Repair written", lines: [`${Y(t.confirmed)} set to ${t.confirmed.set}`] } : {
    color: "blue",
    title: "Flag dismissed",
    lines: n ? [`${Y(n)} stays at ${n.shop_had} on the shop until a figure changes`] : []
  };
}
const d = window.React, ht = window.React.useCallback, he = window.React.useState, ge = window.MantineCore.Alert, gt = window.MantineCore.Anchor, pe = window.MantineCore.Button, fe = window.MantineCore.Group, V = window.MantineCore.List, we = window.MantineCore.Stack, X = window.MantineCore.Text, Ee = window.MantineCore.Title;
function pt({ repairs: e, shipments: t, api: n, host: r, locale: l, sku: a, reload: p }) {
  const [$, k] = he(null), [_, c] = he(null), y = ht((i, b) => {
    k(`${i}:${b.sku}`), c(null), n.post(
      i === "confirm" ? e.confirm_url : e.dismiss_url,
      { sku: b.sku }
    ).then((L) => {
      c(mt(i, L.data)), p();
    }).catch((L) => c(j(i === "confirm" ? "Not written" : "Not dismissed", L))).finally(() => k(null));
  }, [n, e.confirm_url, e.dismiss_url, p]), w = it(e, a), T = ct(e, l), g = t ? dt(t, l) : [];
  return /* @__PURE__ */ d.createElement(we, { gap: "xs" }, /* @__PURE__ */ d.createElement(Ee, { order: 5 }, "Target check"), /* @__PURE__ */ d.createElement(G, { lines: at(e, l) }), w.length > 0 && /* @__PURE__ */ d.createElement(ge, { color: "orange", title: "Repairs waiting for you (beyond the limit: not written)" }, /* @__PURE__ */ d.createElement(we, { gap: 4 }, w.map((i) => /* @__PURE__ */ d.createElement(fe, { key: i.sku, gap: "sm", justify: "space-between" }, /* @__PURE__ */ d.createElement(X, { size: "sm", fw: i.sku === a ? 700 : 500 }, st(i)), /* @__PURE__ */ d.createElement(fe, { gap: "xs" }, /* @__PURE__ */ d.createElement(
    pe,
    {
      size: "xs",
      onClick: () => y("confirm", i),
      loading: $ === `confirm:${i.sku}`
    },
    "Confirm"
  ), /* @__PURE__ */ d.createElement(
    pe,
    {
      size: "xs",
      variant: "outline",
      onClick: () => y("dismiss", i),
      loading: $ === `dismiss:${i.sku}`
    },
    "Dismiss"
  )))))), _ && /* @__PURE__ */ d.createElement(O, { outcome: _, onClose: () => c(null) }), T.length > 0 && /* @__PURE__ */ d.createElement(V, { size: "sm" }, T.map((i, b) => /* @__PURE__ */ d.createElement(V.Item, { key: b }, i))), /* @__PURE__ */ d.createElement(gt, { href: ie(e.csv_url, r), size: "sm" }, "Repair history (CSV)"), t && /* @__PURE__ */ d.createElement(d.Fragment, null, /* @__PURE__ */ d.createElement(Ee, { order: 5 }, "Shipments to the shop"), t.note && /* @__PURE__ */ d.createElement(X, { size: "sm" }, t.note), t.failing > 0 && /* @__PURE__ */ d.createElement(ge, { color: "red", title: `${t.failing} shipment(s) not sent yet` }, "The worker retries them; the list below says why they failed."), g.length > 0 ? /* @__PURE__ */ d.createElement(V, { size: "sm" }, g.map((i, b) => /* @__PURE__ */ d.createElement(V.Item, { key: b }, i))) : !t.note && /* @__PURE__ */ d.createElement(X, { size: "sm" }, "No shipment of an imported order yet.")));
}
const s = window.React, ee = window.React.useCallback, ft = window.React.useEffect, B = window.React.useState, I = window.MantineCore.Alert, wt = window.MantineCore.Anchor, Et = window.MantineCore.Badge, te = window.MantineCore.Button, ne = window.MantineCore.Group, kt = window.MantineCore.Loader, ke = window.MantineCore.Stack, re = window.MantineCore.Table, be = window.MantineCore.Text;
function bt({ context: e }) {
  const t = e.context, n = e.id, [r, l] = B(null), [a, p] = B(null), [$, k] = B(null), [_, c] = B(null), [y, w] = B(!1), [T, g] = B(!1), i = ee(() => {
    t && (p(null), e.api.get(t.status_url, { params: { part: n } }).then((m) => l(m.data)).catch((m) => p(j("Could not load the sync status", m))));
  }, [e.api, t?.status_url, n]);
  ft(i, [i]);
  const b = ee(() => {
    t && (w(!0), k(null), e.api.post(t.sync_url, { part: n }).then((m) => {
      l((P) => P && xe(P, m.data)), k(Fe(m.data));
    }).catch((m) => k(j("Sync now failed", m))).finally(() => w(!1)));
  }, [e.api, t?.sync_url, n]), L = ee(() => {
    t && (g(!0), c(null), e.api.post(t.check_url, {}).then((m) => c(De(m.data))).catch((m) => c(j("Test connection failed", m))).finally(() => g(!1)));
  }, [e.api, t?.check_url]);
  if (!t)
    return /* @__PURE__ */ s.createElement(I, { color: "red", title: "Panel misconfigured" }, "The plugin sent no URLs for this panel.");
  if (a)
    return /* @__PURE__ */ s.createElement(ke, { gap: "xs" }, /* @__PURE__ */ s.createElement(O, { outcome: a, onClose: () => p(null) }), /* @__PURE__ */ s.createElement(ne, null, /* @__PURE__ */ s.createElement(te, { variant: "outline", onClick: i }, "Retry")));
  if (!r)
    return /* @__PURE__ */ s.createElement(ne, { gap: "xs" }, /* @__PURE__ */ s.createElement(kt, { size: "sm" }), /* @__PURE__ */ s.createElement(be, { size: "sm" }, "Loading sync status..."));
  const E = r.parts[0], A = E ? Oe(E) : null, M = r;
  return /* @__PURE__ */ s.createElement(ke, { gap: "sm" }, r.warnings.map((m) => /* @__PURE__ */ s.createElement(I, { color: "yellow", title: "Warning", key: m }, m)), r.dry_run && /* @__PURE__ */ s.createElement(I, { color: "blue", title: "Dry run" }, "Nothing is written to ", t.target, ": the status shows what would be pushed."), r.last_error && /* @__PURE__ */ s.createElement(I, { color: "red", title: "Last sync error" }, r.last_error), r.orders_stale && /* @__PURE__ */ s.createElement(I, { color: "yellow", title: "Orders are stale" }, "The last push could not read the shop's new orders first, so a sale made there may not be counted yet: ", r.orders_stale), E && A ? /* @__PURE__ */ s.createElement(s.Fragment, null, /* @__PURE__ */ s.createElement(G, { lines: Ae(E, e.locale) }, /* @__PURE__ */ s.createElement(re.Tr, null, /* @__PURE__ */ s.createElement(re.Th, { w: "30%" }, "Status"), /* @__PURE__ */ s.createElement(re.Td, null, /* @__PURE__ */ s.createElement(Et, { color: A.color, variant: "filled" }, A.label)))), E.last_error && /* @__PURE__ */ s.createElement(I, { color: "red", title: "Error for this part" }, E.last_error), E.linked && /* @__PURE__ */ s.createElement(G, { lines: Ue(E, r) }), E.linked && E.offer && /* @__PURE__ */ s.createElement(s.Fragment, null, /* @__PURE__ */ s.createElement(be, { size: "sm", fw: 500 }, "How this number was made"), /* @__PURE__ */ s.createElement(G, { lines: qe(E.offer) }))) : /* @__PURE__ */ s.createElement(I, { color: "gray", title: "No status" }, "No status for this part."), /* @__PURE__ */ s.createElement(ne, { gap: "sm" }, /* @__PURE__ */ s.createElement(te, { onClick: b, loading: y, disabled: !E?.linked }, "Sync now"), /* @__PURE__ */ s.createElement(te, { variant: "outline", onClick: L, loading: T }, "Test connection"), /* @__PURE__ */ s.createElement(wt, { href: ie(t.csv_url, e.host), size: "sm" }, "Parts not in sync (CSV)")), $ && /* @__PURE__ */ s.createElement(O, { outcome: $, onClose: () => k(null) }), _ && /* @__PURE__ */ s.createElement(O, { outcome: _, onClose: () => c(null) }), r.orders && /* @__PURE__ */ s.createElement(
    ot,
    {
      orders: r.orders,
      api: e.api,
      host: e.host,
      locale: e.locale,
      sku: E?.sku,
      reload: i
    }
  ), M.repairs && /* @__PURE__ */ s.createElement(
    pt,
    {
      repairs: M.repairs,
      shipments: M.shipments,
      api: e.api,
      host: e.host,
      locale: e.locale,
      sku: E?.sku,
      reload: i
    }
  ));
}
function Kt(e) {
  return /* @__PURE__ */ s.createElement(bt, { context: e });
}
const Re = 50, $e = 3e5;
function $t(e, t) {
  const n = t.toLowerCase().split(/\s+/).filter(Boolean);
  return n.length ? e.filter((r) => {
    const l = `${r.sku} ${r.name} ${r.kind}`.toLowerCase();
    return n.every((a) => l.includes(a));
  }) : e;
}
function se(e, t = Re) {
  return Math.max(1, Math.ceil(e / t));
}
function yt(e, t, n = Re) {
  const r = se(e.length, n), l = Math.min(Math.max(1, t), r);
  return e.slice((l - 1) * n, l * n);
}
function oe(e, t, n) {
  const r = new Set(e);
  for (const l of t)
    n ? r.add(l.sku) : r.delete(l.sku);
  return r;
}
function _t(e, t) {
  const n = new Set(e);
  return n.delete(t) || n.add(t), n;
}
function Ct(e, t) {
  const n = t.filter((r) => e.has(r.sku)).length;
  return n ? n === t.length ? "all" : "some" : "none";
}
function Tt(e, t, n, r) {
  return {
    skus: e.filter((l) => t.has(l.sku)).map((l) => l.sku),
    category: n,
    location: r ? Number(r) : null
  };
}
function St(e) {
  const t = e.kind || "product";
  return e.parent_sku ? `${t}, variation of ${e.parent_sku}` : t;
}
function vt(e) {
  return !e.managed || e.quantity === null ? "not tracked" : e.quantity;
}
function ye(e) {
  return {
    color: "blue",
    title: "Nothing to import",
    lines: [`Every product on ${e} with a SKU is held by a part already (or the shop has no products).`]
  };
}
function Mt(e, t) {
  return { color: "red", title: `Could not read the products of ${e}`, lines: [W(t)] };
}
function Rt(e) {
  const t = e.created.filter((r) => r.stock_item !== null).length, n = [];
  return e.created.length && n.push(`${e.created.length} part${e.created.length === 1 ? "" : "s"} created` + (t ? `, ${t} with an initial stock item` : "")), n.push(...e.refused.map((r) => `${r.sku}: not imported: ${r.error}`)), e.created.length ? {
    color: e.refused.length ? "yellow" : "green",
    title: e.refused.length ? "Imported, with refusals" : "Imported",
    lines: n
  } : { color: "red", title: "Nothing was imported", lines: n };
}
function Lt(e) {
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
function It(e) {
  return `/part/${e}/details`;
}
function Nt(e) {
  return (Array.isArray(e) ? e : e?.results ?? []).flatMap((n) => {
    const r = n;
    return typeof r.pk == "number" ? [{ value: String(r.pk), label: r.pathstring || r.name || `#${r.pk}` }] : [];
  });
}
const o = window.React, _e = window.React.useCallback, le = window.React.useEffect, Ot = window.React.useMemo, At = window.React.useRef, C = window.React.useState, Ce = window.MantineCore.Alert, Pt = window.MantineCore.Anchor, F = window.MantineCore.Button, Te = window.MantineCore.Checkbox, D = window.MantineCore.Group, Se = window.MantineCore.List, Bt = window.MantineCore.Loader, qt = window.MantineCore.Pagination, Ut = window.MantineCore.Select, Q = window.MantineCore.Stack, f = window.MantineCore.Table, q = window.MantineCore.Text, xt = window.MantineCore.TextInput, Ft = 25;
function Dt({ context: e }) {
  const t = e.context, [n, r] = C(null), [l, a] = C(null), [p, $] = C(""), [k, _] = C(1), [c, y] = C(/* @__PURE__ */ new Set()), [w, T] = C(null), [g, i] = C([]), [b, L] = C(""), [E, A] = C(!1), [M, m] = C(null), P = At(null);
  le(() => {
    M && P.current?.scrollIntoView?.({ block: "nearest" });
  }, [M]);
  const z = _e(() => {
    t && (a(null), r(null), e.api.get(t.import_url, { timeout: $e }).then((u) => r(u.data)).catch((u) => a(Mt(t.target, u))));
  }, [e.api, t?.import_url, t?.target]);
  le(z, [z]), le(() => {
    if (!t)
      return;
    const u = { limit: Ft, ordering: "pathstring" };
    b.trim() && (u.search = b.trim()), e.api.get(t.locations_url, { params: u }).then((R) => i((Ie) => Gt(Nt(R.data), Ie, w))).catch(() => i((R) => R));
  }, [e.api, t?.locations_url, b]);
  const S = Ot(() => $t(n?.products ?? [], p), [n, p]), Z = yt(S, k), Le = _e(() => {
    !t || !n || e.id === void 0 || e.id === null || (A(!0), m(null), e.api.post(
      t.import_url,
      Tt(n.products, c, e.id, w),
      { timeout: $e }
    ).then((u) => {
      m({ outcome: Rt(u.data), answer: u.data }), y((R) => oe(R, u.data.created, !1)), z();
    }).catch((u) => {
      m({ outcome: Lt(u) });
      const R = u?.response?.status;
      (!R || R >= 500) && (y(/* @__PURE__ */ new Set()), z());
    }).finally(() => A(!1)));
  }, [e.api, t?.import_url, n, c, e.id, w, z]);
  if (!t)
    return /* @__PURE__ */ o.createElement(Ce, { color: "red", title: "Panel misconfigured" }, "The plugin sent no URLs for this panel.");
  const ze = e.instance?.pathstring || e.instance?.name || `category ${e.id}`, K = Ct(c, S);
  return /* @__PURE__ */ o.createElement(Q, { gap: "sm", ref: P }, /* @__PURE__ */ o.createElement(q, { size: "sm" }, "Products on ", t.target, " whose SKU no part holds. The chosen ones become parts of ", /* @__PURE__ */ o.createElement("b", null, ze), " (name, description, IPN = SKU, salable, the shop's price), linked to ", t.target, " at once. Nothing is changed on the shop."), M && /* @__PURE__ */ o.createElement(Wt, { result: M, urls: t, navigate: e.navigate, onClose: () => m(null) }), l && /* @__PURE__ */ o.createElement(Q, { gap: "xs" }, /* @__PURE__ */ o.createElement(O, { outcome: l, onClose: () => a(null) }), /* @__PURE__ */ o.createElement(D, null, /* @__PURE__ */ o.createElement(F, { variant: "outline", onClick: z }, "Retry"))), !n && !l && /* @__PURE__ */ o.createElement(D, { gap: "xs" }, /* @__PURE__ */ o.createElement(Bt, { size: "sm" }), /* @__PURE__ */ o.createElement(q, { size: "sm" }, "Reading the products of ", t.target, "...")), n && n.count === 0 && /* @__PURE__ */ o.createElement(Ce, { color: "blue", title: ye(t.target).title }, /* @__PURE__ */ o.createElement(Q, { gap: "xs" }, /* @__PURE__ */ o.createElement(q, { size: "sm" }, ye(t.target).lines[0]), /* @__PURE__ */ o.createElement(D, null, /* @__PURE__ */ o.createElement(F, { size: "xs", variant: "outline", onClick: z }, "Read the shop again")))), n && n.count > 0 && /* @__PURE__ */ o.createElement(o.Fragment, null, /* @__PURE__ */ o.createElement(D, { gap: "sm", align: "end" }, /* @__PURE__ */ o.createElement(
    xt,
    {
      label: "Filter",
      placeholder: "SKU, name or kind",
      value: p,
      w: 260,
      onChange: (u) => {
        $(u.currentTarget.value), _(1);
      }
    }
  ), /* @__PURE__ */ o.createElement(q, { size: "sm" }, S.length, " of ", n.count, " product", n.count === 1 ? "" : "s", " shown, ", c.size, " selected"), /* @__PURE__ */ o.createElement(
    F,
    {
      size: "xs",
      variant: "outline",
      onClick: () => y(oe(c, S, !0)),
      disabled: !S.length || K === "all"
    },
    "Select all shown"
  ), /* @__PURE__ */ o.createElement(
    F,
    {
      size: "xs",
      variant: "outline",
      onClick: () => y(/* @__PURE__ */ new Set()),
      disabled: !c.size
    },
    "Clear selection"
  )), /* @__PURE__ */ o.createElement(f, { striped: !0, withTableBorder: !0, highlightOnHover: !0 }, /* @__PURE__ */ o.createElement(f.Thead, null, /* @__PURE__ */ o.createElement(f.Tr, null, /* @__PURE__ */ o.createElement(f.Th, { w: 40 }, /* @__PURE__ */ o.createElement(
    Te,
    {
      "aria-label": "Select all shown",
      checked: K === "all",
      indeterminate: K === "some",
      onChange: () => y(oe(c, S, K !== "all"))
    }
  )), /* @__PURE__ */ o.createElement(f.Th, null, "SKU"), /* @__PURE__ */ o.createElement(f.Th, null, "Name"), /* @__PURE__ */ o.createElement(f.Th, null, "Kind"), /* @__PURE__ */ o.createElement(f.Th, null, "Price"), /* @__PURE__ */ o.createElement(f.Th, null, "Quantity"))), /* @__PURE__ */ o.createElement(f.Tbody, null, Z.map((u) => /* @__PURE__ */ o.createElement(f.Tr, { key: u.sku }, /* @__PURE__ */ o.createElement(f.Td, null, /* @__PURE__ */ o.createElement(
    Te,
    {
      "aria-label": `Select ${u.sku}`,
      checked: c.has(u.sku),
      onChange: () => y(_t(c, u.sku))
    }
  )), /* @__PURE__ */ o.createElement(f.Td, null, u.sku), /* @__PURE__ */ o.createElement(f.Td, null, u.name), /* @__PURE__ */ o.createElement(f.Td, null, St(u)), /* @__PURE__ */ o.createElement(f.Td, null, u.price ?? "-"), /* @__PURE__ */ o.createElement(f.Td, null, vt(u)))))), !Z.length && /* @__PURE__ */ o.createElement(q, { size: "sm" }, "No product matches the filter."), S.length > Z.length && /* @__PURE__ */ o.createElement(
    qt,
    {
      total: se(S.length),
      value: Math.min(k, se(S.length)),
      onChange: _,
      size: "sm"
    }
  ), /* @__PURE__ */ o.createElement(D, { gap: "sm", align: "end" }, /* @__PURE__ */ o.createElement(
    Ut,
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
      onSearchChange: L,
      nothingFoundMessage: "No such stock location"
    }
  ), /* @__PURE__ */ o.createElement(F, { onClick: Le, loading: E, disabled: !c.size }, "Import ", c.size || "", " product", c.size === 1 ? "" : "s")), !w && c.size > 0 && /* @__PURE__ */ o.createElement(q, { size: "xs", c: "dimmed" }, "Without a location the new parts hold no stock, and the next push sets them to 0 on ", t.target, ".")));
}
function Gt(e, t, n) {
  const r = t.find((l) => l.value === n);
  return r && !e.some((l) => l.value === n) ? [r, ...e] : e;
}
function Wt({ result: e, urls: t, navigate: n, onClose: r }) {
  const l = e.answer?.created ?? [];
  return /* @__PURE__ */ o.createElement(Q, { gap: 4 }, /* @__PURE__ */ o.createElement(O, { outcome: e.outcome, onClose: r }), l.length > 0 && /* @__PURE__ */ o.createElement(Se, { size: "sm" }, l.map((a) => {
    const p = zt(t.part_url, a.part);
    return /* @__PURE__ */ o.createElement(Se.Item, { key: a.sku }, /* @__PURE__ */ o.createElement(Pt, { href: p, size: "sm", onClick: ($) => {
      n && ($.preventDefault(), n(It(a.part)));
    } }, a.sku), a.stock_item !== null ? " (with stock)" : "");
  })));
}
function Ht(e) {
  return /* @__PURE__ */ o.createElement(Dt, { context: e });
}
export {
  Ht as renderImportPanel,
  Kt as renderPanel
};
