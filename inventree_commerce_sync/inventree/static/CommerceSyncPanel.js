/* inventree-commerce-sync part panel, built from frontend/ (npm run build); sources sha256 8172d095733f2e636105c8b02e699817993b5e1047cc9f5b1ddcbdc516ce2179 */
const Be = {
  synced: { label: "In sync", color: "green" },
  pending: { label: "Pending", color: "yellow" },
  dry_run: { label: "Dry run", color: "blue" },
  not_found: { label: "Not found on target", color: "orange" },
  skipped: { label: "Skipped", color: "orange" },
  error: { label: "Error", color: "red" },
  never_synced: { label: "Never synced", color: "gray" },
  unlinked: { label: "Not linked", color: "gray" }
};
function Re(e) {
  return e.status === "synced" && !e.in_sync ? { label: "Changed since last push", color: "yellow" } : Be[e.status] ?? { label: e.status.replace(/_/g, " "), color: "gray" };
}
function M(e, t) {
  if (!e)
    return "-";
  const n = new Date(e);
  return Number.isNaN(n.getTime()) ? e : n.toLocaleString(t ? t.replace("_", "-") : void 0);
}
function z(e) {
  return e == null || e === "" ? "-" : String(e);
}
function qe(e, t) {
  return [
    { label: "SKU", value: e.linked ? z(e.sku) : `Not linked: ${e.reason || "no SKU"}` },
    { label: "Remote id", value: z(e.remote_id) },
    { label: "Attempts", value: z(e.attempts) },
    { label: "Last attempt", value: M(e.last_attempt, t) },
    { label: "Last success", value: M(e.last_success, t) }
  ];
}
const xe = {
  in_stock: "in stock",
  available: "available (in stock less allocated)",
  available_after_open_orders: "available after open orders (in stock less every open sales order)"
};
function Fe(e) {
  return e.startsWith("-") ? e : `+${e}`;
}
function Le(e) {
  const t = e.steps.map((n, l) => ({
    label: n.label,
    value: l === 0 || n.key === "in_stock" && e.steps[l - 1]?.key === "in_stock" ? n.amount : `${Fe(n.amount)} = ${n.total}`
  }));
  return t.push({ label: "Figure pushed", value: e.quantity }), e.behaviour === "reserves_open_orders" && t.push({ label: "Offered for sale (the shop subtracts its own open orders)", value: e.sellable }), t;
}
function Ue(e) {
  const t = e.locations ?? [];
  if (!t.length)
    return [];
  const n = t.map((r) => {
    const a = r.offer ? Le(r.offer) : [{ label: "Figure pushed", value: r.quantity }], g = r.unallocated_share ?? "0";
    return r.unallocated && r.unallocated !== "0" && a.splice(a.findIndex((E) => E.label === "Figure pushed"), 0, {
      label: "Open orders allocated from no location",
      value: `${r.unallocated} in all, taken off once over the locations: ${g} of it here`
    }), a.push(
      { label: "Last pushed", value: z(r.pushed_quantity) },
      { label: "Status", value: Re({ ...e, status: r.status, in_sync: r.in_sync }).label }
    ), r.last_error && a.push({ label: "Error", value: r.last_error }), { title: `${r.location} gets ${r.stock_location.path} (with its sublocations)`, lines: a };
  }), l = [{ label: "Figure pushed, all locations", value: z(e.quantity) }];
  return e.sellable !== void 0 && e.sellable !== e.quantity && l.push({ label: "Offered for sale (the shop subtracts its own open orders)", value: e.sellable }), [...n, { title: "All mapped locations", lines: l }];
}
function De(e, t) {
  const n = [];
  return t.quantity_basis && n.push({ label: "Counted as", value: xe[t.quantity_basis] ?? t.quantity_basis }), t.buffer !== void 0 && t.buffer !== null && n.push({ label: "Safety buffer", value: t.buffer }), n.push(
    { label: "Quantity to push", value: z(e.quantity) },
    { label: "Last pushed", value: z(e.pushed_quantity) },
    { label: e.dry_run ? "Would push" : "Pending", value: z(e.pending_quantity) }
  ), n;
}
function Ge(e, t) {
  return {
    ...e,
    last_error: t.last_error,
    parts: t.parts.length ? t.parts : e.parts
  };
}
function We(e) {
  const t = e.parts[0];
  return t?.last_error && !t.in_sync ? { color: "red", title: "Sync did not succeed", lines: [t.last_error] } : t?.dry_run ? { color: "blue", title: "Dry run: nothing was written", lines: [e.summary ?? "nothing to do"] } : { color: "green", title: "Synced", lines: [e.summary ?? "nothing to do"] };
}
function Ke(e) {
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
    const l = n, r = l.error ?? l.detail;
    if (typeof r == "string" && r)
      return r;
  }
  return t.response?.status ? `The server answered HTTP ${t.response.status}` : t.message || String(e);
}
function Q(e, t) {
  return { color: "red", title: e, lines: [W(t)] };
}
function de(e, t) {
  return !t || /^https?:\/\//.test(e) ? e : t.replace(/\/+$/, "") + e;
}
const ie = 5;
function He(e) {
  return e.import_enabled ? e.dry_run ? { label: "Dry run", color: "blue" } : { label: "Importing", color: "green" } : { label: "Import off", color: "gray" };
}
function Ve(e, t) {
  if (!e.webhook)
    return "none: orders are polled";
  const n = e.webhook_registration;
  return n ? `registered ${M(n.at, t)}` : "not registered by this plugin (polling still runs)";
}
function je(e, t) {
  const n = e.last_seen, l = e.needs_attention_count ?? e.needs_attention.length;
  return [
    { label: "Last order seen", value: n ? `${n.number} (changed ${M(n.modified, t)})` : "-" },
    { label: "Orders imported", value: String(e.imported) },
    { label: "Needing attention", value: String(l) },
    { label: "Last poll", value: M(e.last_poll, t) },
    { label: "Last audit", value: M(e.last_audit, t) },
    { label: "Webhook", value: Ve(e, t) }
  ];
}
function Qe(e, t) {
  return !!t && (e.includes(`'${t}'`) || e.includes(`"${t}"`));
}
function Ye(e, t) {
  const n = e.needs_attention.map((a) => {
    const g = [...a.problems, ...a.flag ? [a.flag] : []], E = a.sales_order_reference ? ` - sales order ${a.sales_order_reference}` : "";
    return {
      key: a.order_id,
      title: `Order ${a.number}${E}${a.problems.length ? " (held)" : " (flagged)"}`,
      lines: g,
      thisPart: g.some((k) => Qe(k, t))
    };
  }), l = [...n.filter((a) => a.thisPart), ...n.filter((a) => !a.thisPart)], r = e.needs_attention_count ?? n.length;
  return { items: l.slice(0, ie), more: Math.max(0, r - Math.min(ie, l.length)) };
}
const Ze = {
  create: "would create a sales order",
  update: "would change the lines",
  cancel: "would cancel the sales order",
  flag: "would be flagged",
  skip: "would be skipped",
  unchanged: "nothing to change"
};
function Je(e) {
  return [...e.would_import].reverse().slice(0, ie).map((t) => {
    const n = t.lines.map((a) => `${a.quantity} x ${a.sku}`).join(", "), l = t.held ? `, held: ${t.problems.join("; ")}` : "", r = t.flag ? ` (${t.flag})` : "";
    return `${t.number}: ${Ze[t.action] ?? t.action}${r}${n ? `: ${n}` : ""}${l}`;
  });
}
function ze(e) {
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
function Xe(e) {
  const t = e?.response?.data;
  return t && typeof t == "object" && "registered" in t ? ze(t) : { color: "red", title: "Register webhook failed", lines: [W(e)] };
}
const N = window.React, et = window.MantineCore.Alert, U = window.MantineCore.Table, tt = window.MantineCore.Text;
function P({ outcome: e, onClose: t }) {
  return /* @__PURE__ */ N.createElement(et, { color: e.color, title: e.title, withCloseButton: !0, onClose: t }, e.lines.map((n, l) => /* @__PURE__ */ N.createElement(tt, { size: "sm", key: l }, n)));
}
function F({ lines: e, children: t }) {
  return /* @__PURE__ */ N.createElement(U, { striped: !0, withTableBorder: !0, withColumnBorders: !0 }, /* @__PURE__ */ N.createElement(U.Tbody, null, t, e.map((n, l) => /* @__PURE__ */ N.createElement(U.Tr, { key: `${l}:${n.label}` }, /* @__PURE__ */ N.createElement(U.Th, { w: "30%" }, n.label), /* @__PURE__ */ N.createElement(U.Td, null, n.value)))));
}
const h = window.React, nt = window.React.useCallback, me = window.React.useState, X = window.MantineCore.Alert, lt = window.MantineCore.Anchor, rt = window.MantineCore.Badge, ot = window.MantineCore.Button, he = window.MantineCore.Group, H = window.MantineCore.List, ge = window.MantineCore.Stack, fe = window.MantineCore.Text, at = window.MantineCore.Title;
function st({ orders: e, api: t, host: n, locale: l, sku: r, reload: a }) {
  const [g, E] = me(!1), [k, _] = me(null), c = nt(() => {
    e.register_webhook_url && (E(!0), _(null), t.post(e.register_webhook_url, {}).then((p) => {
      _(ze(p.data)), a();
    }).catch((p) => _(Xe(p))).finally(() => E(!1)));
  }, [t, e.register_webhook_url, a]), y = He(e), b = Ye(e, r), S = e.dry_run ? Je(e) : [];
  return /* @__PURE__ */ h.createElement(ge, { gap: "xs" }, /* @__PURE__ */ h.createElement(he, { gap: "sm" }, /* @__PURE__ */ h.createElement(at, { order: 5 }, "Orders"), /* @__PURE__ */ h.createElement(rt, { color: y.color, variant: "light" }, y.label)), /* @__PURE__ */ h.createElement(F, { lines: je(e, l) }), e.last_error && /* @__PURE__ */ h.createElement(X, { color: "red", title: "Last order import error" }, e.last_error), b.items.length > 0 && /* @__PURE__ */ h.createElement(X, { color: "orange", title: "Orders needing attention" }, /* @__PURE__ */ h.createElement(ge, { gap: 4 }, b.items.map((p) => /* @__PURE__ */ h.createElement("div", { key: p.key }, /* @__PURE__ */ h.createElement(fe, { size: "sm", fw: p.thisPart ? 700 : 500 }, p.title), /* @__PURE__ */ h.createElement(H, { size: "sm" }, p.lines.map((i, $) => /* @__PURE__ */ h.createElement(H.Item, { key: $ }, i))))), b.more > 0 && /* @__PURE__ */ h.createElement(fe, { size: "sm" }, "and ", b.more, " more (see the CSV)"))), S.length > 0 && /* @__PURE__ */ h.createElement(X, { color: "blue", title: "Dry run: would import" }, /* @__PURE__ */ h.createElement(H, { size: "sm" }, S.map((p, i) => /* @__PURE__ */ h.createElement(H.Item, { key: i }, p)))), /* @__PURE__ */ h.createElement(he, { gap: "sm" }, e.register_webhook_url && /* @__PURE__ */ h.createElement(ot, { variant: "outline", onClick: c, loading: g }, "Register webhook"), /* @__PURE__ */ h.createElement(lt, { href: de(e.csv_url, n), size: "sm" }, "Orders needing attention (CSV)")), k && /* @__PURE__ */ h.createElement(P, { outcome: k, onClose: () => _(null) }));
}
const Ie = 5, it = {
  repaired: "repaired",
  flagged: "flagged, not written",
  confirmed: "confirmed and written",
  dismissed: "dismissed, not written",
  resolved: "no longer needed"
};
function ct(e, t) {
  const n = e.last_check, l = n ? `${n.repaired} repaired, ${n.flagged} flagged, ${n.waiting} waiting` + (n.orders_stale ? " (orders could not be read: no figure was raised)" : "") : "no target check yet";
  return [
    { label: "Repaired without asking", value: `up to ${e.limit}` },
    { label: "Last target check", value: n ? `${M(n.at, t)}: ${l}` : l },
    { label: "Repair history", value: `${e.count} record${e.count === 1 ? "" : "s"}` }
  ];
}
function pe(e) {
  const t = e.lastIndexOf("@");
  return t > 0 ? `${e.slice(0, t)} at ${e.slice(t + 1)}` : e;
}
function Z(e) {
  return e.part_name ? `${e.part_name} (${pe(e.sku)})` : pe(e.sku);
}
function ce(e, t) {
  const n = e.lastIndexOf("@");
  return !!t && (e === t || n > 0 && e.slice(0, n) === t);
}
function ut(e) {
  return `${Z(e)}: the shop has ${e.shop_had}, InvenTree wants ${e.wanted}`;
}
function dt(e, t) {
  return [...e.open_flags.filter((l) => ce(l.sku, t)), ...e.open_flags.filter((l) => !ce(l.sku, t))];
}
function mt(e, t) {
  return e.recent.slice(0, Ie).map((n) => {
    const l = n.set !== null ? `set to ${n.set}` : `wanted ${n.wanted}`;
    return `${M(n.at, t)} ${Z(n)}: shop had ${n.shop_had}, ${l} - ` + (it[n.outcome] ?? n.outcome);
  });
}
const ht = {
  shipped: "sent to the shop",
  already: "the shop had it already",
  nothing: "nothing to send",
  sending: "being sent",
  failed: "failed",
  dry_run: "dry run: not sent"
};
function gt(e, t) {
  return e.recent.slice(0, Ie).map((n) => {
    const l = `${n.sales_order_reference ?? "sales order"} shipment ${n.shipment_reference ?? n.shipment}`, r = ht[n.state ?? ""] ?? n.state ?? "not sent yet";
    if (n.state === "failed") {
      const a = n.retry_at ? `; retried ${M(new Date(n.retry_at * 1e3).toISOString(), t)}` : "; not retried any more";
      return `${l}: ${r} (attempt ${n.attempts ?? 1}): ${n.error ?? ""}${a}`;
    }
    return `${l}: ${r}${n.message ? ` (${n.message})` : ""}`;
  });
}
function ft(e, t) {
  const n = t.confirmed ?? t.dismissed;
  return e === "confirm" && t.confirmed ? { color: "green", title: "Repair written", lines: [`${Z(t.confirmed)} set to ${t.confirmed.set}`] } : {
    color: "blue",
    title: "Flag dismissed",
    lines: n ? [`${Z(n)} stays at ${n.shop_had} on the shop until a figure changes`] : []
  };
}
const m = window.React, pt = window.React.useCallback, we = window.React.useState, Ee = window.MantineCore.Alert, wt = window.MantineCore.Anchor, be = window.MantineCore.Button, ke = window.MantineCore.Group, V = window.MantineCore.List, $e = window.MantineCore.Stack, ee = window.MantineCore.Text, ye = window.MantineCore.Title;
function Et({ repairs: e, shipments: t, api: n, host: l, locale: r, sku: a, reload: g }) {
  const [E, k] = we(null), [_, c] = we(null), y = pt((i, $) => {
    k(`${i}:${$.sku}`), c(null), n.post(
      i === "confirm" ? e.confirm_url : e.dismiss_url,
      { sku: $.sku }
    ).then((I) => {
      c(ft(i, I.data)), g();
    }).catch((I) => c(Q(i === "confirm" ? "Not written" : "Not dismissed", I))).finally(() => k(null));
  }, [n, e.confirm_url, e.dismiss_url, g]), b = dt(e, a), S = mt(e, r), p = t ? gt(t, r) : [];
  return /* @__PURE__ */ m.createElement($e, { gap: "xs" }, /* @__PURE__ */ m.createElement(ye, { order: 5 }, "Target check"), /* @__PURE__ */ m.createElement(F, { lines: ct(e, r) }), b.length > 0 && /* @__PURE__ */ m.createElement(Ee, { color: "orange", title: "Repairs waiting for you (beyond the limit: not written)" }, /* @__PURE__ */ m.createElement($e, { gap: 4 }, b.map((i) => /* @__PURE__ */ m.createElement(ke, { key: i.sku, gap: "sm", justify: "space-between" }, /* @__PURE__ */ m.createElement(ee, { size: "sm", fw: ce(i.sku, a) ? 700 : 500 }, ut(i)), /* @__PURE__ */ m.createElement(ke, { gap: "xs" }, /* @__PURE__ */ m.createElement(
    be,
    {
      size: "xs",
      onClick: () => y("confirm", i),
      loading: E === `confirm:${i.sku}`
    },
    "Confirm"
  ), /* @__PURE__ */ m.createElement(
    be,
    {
      size: "xs",
      variant: "outline",
      onClick: () => y("dismiss", i),
      loading: E === `dismiss:${i.sku}`
    },
    "Dismiss"
  )))))), _ && /* @__PURE__ */ m.createElement(P, { outcome: _, onClose: () => c(null) }), S.length > 0 && /* @__PURE__ */ m.createElement(V, { size: "sm" }, S.map((i, $) => /* @__PURE__ */ m.createElement(V.Item, { key: $ }, i))), /* @__PURE__ */ m.createElement(wt, { href: de(e.csv_url, l), size: "sm" }, "Repair history (CSV)"), t && /* @__PURE__ */ m.createElement(m.Fragment, null, /* @__PURE__ */ m.createElement(ye, { order: 5 }, "Shipments to the shop"), t.note && /* @__PURE__ */ m.createElement(ee, { size: "sm" }, t.note), t.failing > 0 && /* @__PURE__ */ m.createElement(Ee, { color: "red", title: `${t.failing} shipment(s) not sent yet` }, "The worker retries them; the list below says why they failed."), p.length > 0 ? /* @__PURE__ */ m.createElement(V, { size: "sm" }, p.map((i, $) => /* @__PURE__ */ m.createElement(V.Item, { key: $ }, i))) : !t.note && /* @__PURE__ */ m.createElement(ee, { size: "sm" }, "No shipment of an imported order yet.")));
}
const s = window.React, te = window.React.useCallback, bt = window.React.useEffect, q = window.React.useState, A = window.MantineCore.Alert, kt = window.MantineCore.Anchor, $t = window.MantineCore.Badge, ne = window.MantineCore.Button, le = window.MantineCore.Group, yt = window.MantineCore.Loader, re = window.MantineCore.Stack, oe = window.MantineCore.Table, j = window.MantineCore.Text;
function _t({ context: e }) {
  const t = e.context, n = e.id, [l, r] = q(null), [a, g] = q(null), [E, k] = q(null), [_, c] = q(null), [y, b] = q(!1), [S, p] = q(!1), i = te(() => {
    t && (g(null), e.api.get(t.status_url, { params: { part: n } }).then((d) => r(d.data)).catch((d) => g(Q("Could not load the sync status", d))));
  }, [e.api, t?.status_url, n]);
  bt(i, [i]);
  const $ = te(() => {
    t && (b(!0), k(null), e.api.post(t.sync_url, { part: n }).then((d) => {
      r((C) => C && Ge(C, d.data)), k(We(d.data));
    }).catch((d) => k(Q("Sync now failed", d))).finally(() => b(!1)));
  }, [e.api, t?.sync_url, n]), I = te(() => {
    t && (p(!0), c(null), e.api.post(t.check_url, {}).then((d) => c(Ke(d.data))).catch((d) => c(Q("Test connection failed", d))).finally(() => p(!1)));
  }, [e.api, t?.check_url]);
  if (!t)
    return /* @__PURE__ */ s.createElement(A, { color: "red", title: "Panel misconfigured" }, "The plugin sent no URLs for this panel.");
  if (a)
    return /* @__PURE__ */ s.createElement(re, { gap: "xs" }, /* @__PURE__ */ s.createElement(P, { outcome: a, onClose: () => g(null) }), /* @__PURE__ */ s.createElement(le, null, /* @__PURE__ */ s.createElement(ne, { variant: "outline", onClick: i }, "Retry")));
  if (!l)
    return /* @__PURE__ */ s.createElement(le, { gap: "xs" }, /* @__PURE__ */ s.createElement(yt, { size: "sm" }), /* @__PURE__ */ s.createElement(j, { size: "sm" }, "Loading sync status..."));
  const f = l.parts[0], B = f ? Re(f) : null, R = l, O = f ? Ue(f) : [];
  return /* @__PURE__ */ s.createElement(re, { gap: "sm" }, l.warnings.map((d) => /* @__PURE__ */ s.createElement(A, { color: "yellow", title: "Warning", key: d }, d)), l.dry_run && /* @__PURE__ */ s.createElement(A, { color: "blue", title: "Dry run" }, "Nothing is written to ", t.target, ": the status shows what would be pushed."), l.last_error && /* @__PURE__ */ s.createElement(A, { color: "red", title: "Last sync error" }, l.last_error), l.orders_stale && /* @__PURE__ */ s.createElement(A, { color: "yellow", title: "Orders are stale" }, "The last push could not read the shop's new orders first, so a sale made there may not be counted yet: ", l.orders_stale), f && B ? /* @__PURE__ */ s.createElement(s.Fragment, null, /* @__PURE__ */ s.createElement(F, { lines: qe(f, e.locale) }, /* @__PURE__ */ s.createElement(oe.Tr, null, /* @__PURE__ */ s.createElement(oe.Th, { w: "30%" }, "Status"), /* @__PURE__ */ s.createElement(oe.Td, null, /* @__PURE__ */ s.createElement($t, { color: B.color, variant: "filled" }, B.label)))), f.last_error && /* @__PURE__ */ s.createElement(A, { color: "red", title: "Error for this part" }, f.last_error), f.linked && /* @__PURE__ */ s.createElement(F, { lines: De(f, l) }), f.linked && f.offer && /* @__PURE__ */ s.createElement(s.Fragment, null, /* @__PURE__ */ s.createElement(j, { size: "sm", fw: 500 }, "How this number was made"), /* @__PURE__ */ s.createElement(F, { lines: Le(f.offer) })), f.linked && O.length > 0 && /* @__PURE__ */ s.createElement(s.Fragment, null, /* @__PURE__ */ s.createElement(j, { size: "sm", fw: 500 }, "How this number was made, per location"), O.map((d) => /* @__PURE__ */ s.createElement(re, { gap: 4, key: d.title }, /* @__PURE__ */ s.createElement(j, { size: "sm" }, d.title), /* @__PURE__ */ s.createElement(F, { lines: d.lines }))))) : /* @__PURE__ */ s.createElement(A, { color: "gray", title: "No status" }, "No status for this part."), /* @__PURE__ */ s.createElement(le, { gap: "sm" }, /* @__PURE__ */ s.createElement(ne, { onClick: $, loading: y, disabled: !f?.linked }, "Sync now"), /* @__PURE__ */ s.createElement(ne, { variant: "outline", onClick: I, loading: S }, "Test connection"), /* @__PURE__ */ s.createElement(kt, { href: de(t.csv_url, e.host), size: "sm" }, "Parts not in sync (CSV)")), E && /* @__PURE__ */ s.createElement(P, { outcome: E, onClose: () => k(null) }), _ && /* @__PURE__ */ s.createElement(P, { outcome: _, onClose: () => c(null) }), l.orders && /* @__PURE__ */ s.createElement(
    st,
    {
      orders: l.orders,
      api: e.api,
      host: e.host,
      locale: e.locale,
      sku: f?.sku,
      reload: i
    }
  ), R.repairs && /* @__PURE__ */ s.createElement(
    Et,
    {
      repairs: R.repairs,
      shipments: R.shipments,
      api: e.api,
      host: e.host,
      locale: e.locale,
      sku: f?.sku,
      reload: i
    }
  ));
}
function jt(e) {
  return /* @__PURE__ */ s.createElement(_t, { context: e });
}
const Oe = 50, _e = 3e5;
function Ct(e, t) {
  const n = t.toLowerCase().split(/\s+/).filter(Boolean);
  return n.length ? e.filter((l) => {
    const r = `${l.sku} ${l.name} ${l.kind}`.toLowerCase();
    return n.every((a) => r.includes(a));
  }) : e;
}
function ue(e, t = Oe) {
  return Math.max(1, Math.ceil(e / t));
}
function Tt(e, t, n = Oe) {
  const l = ue(e.length, n), r = Math.min(Math.max(1, t), l);
  return e.slice((r - 1) * n, r * n);
}
function ae(e, t, n) {
  const l = new Set(e);
  for (const r of t)
    n ? l.add(r.sku) : l.delete(r.sku);
  return l;
}
function St(e, t) {
  const n = new Set(e);
  return n.delete(t) || n.add(t), n;
}
function vt(e, t) {
  const n = t.filter((l) => e.has(l.sku)).length;
  return n ? n === t.length ? "all" : "some" : "none";
}
function Mt(e, t, n, l) {
  return {
    skus: e.filter((r) => t.has(r.sku)).map((r) => r.sku),
    category: n,
    location: l ? Number(l) : null
  };
}
function Rt(e) {
  const t = e.kind || "product";
  return e.parent_sku ? `${t}, variation of ${e.parent_sku}` : t;
}
function Lt(e) {
  return !e.managed || e.quantity === null ? "not tracked" : e.quantity;
}
function Ce(e) {
  return {
    color: "blue",
    title: "Nothing to import",
    lines: [`Every product on ${e} with a SKU is held by a part already (or the shop has no products).`]
  };
}
function zt(e, t) {
  return { color: "red", title: `Could not read the products of ${e}`, lines: [W(t)] };
}
function It(e) {
  const t = e.created.filter((l) => l.stock_item !== null).length, n = [];
  return e.created.length && n.push(`${e.created.length} part${e.created.length === 1 ? "" : "s"} created` + (t ? `, ${t} with an initial stock item` : "")), n.push(...e.refused.map((l) => `${l.sku}: not imported: ${l.error}`)), e.created.length ? {
    color: e.refused.length ? "yellow" : "green",
    title: e.refused.length ? "Imported, with refusals" : "Imported",
    lines: n
  } : { color: "red", title: "Nothing was imported", lines: n };
}
function Ot(e) {
  const t = e?.response?.status;
  return t && t < 500 ? { color: "red", title: "Import refused: nothing was created", lines: [W(e)] } : {
    color: "yellow",
    title: "No answer to the import",
    lines: [W(e), "The parts may have been created all the same: the list below is read again and no longer shows the products that were imported (the category's parts list shows them)."]
  };
}
function At(e, t) {
  return `${e.replace(/\/+$/, "")}/${t}/details`;
}
function Nt(e) {
  return `/part/${e}/details`;
}
function Pt(e) {
  return (Array.isArray(e) ? e : e?.results ?? []).flatMap((n) => {
    const l = n;
    return typeof l.pk == "number" ? [{ value: String(l.pk), label: l.pathstring || l.name || `#${l.pk}` }] : [];
  });
}
const o = window.React, Te = window.React.useCallback, se = window.React.useEffect, Bt = window.React.useMemo, qt = window.React.useRef, T = window.React.useState, Se = window.MantineCore.Alert, xt = window.MantineCore.Anchor, D = window.MantineCore.Button, ve = window.MantineCore.Checkbox, G = window.MantineCore.Group, Me = window.MantineCore.List, Ft = window.MantineCore.Loader, Ut = window.MantineCore.Pagination, Dt = window.MantineCore.Select, Y = window.MantineCore.Stack, w = window.MantineCore.Table, x = window.MantineCore.Text, Gt = window.MantineCore.TextInput, Wt = 25;
function Kt({ context: e }) {
  const t = e.context, [n, l] = T(null), [r, a] = T(null), [g, E] = T(""), [k, _] = T(1), [c, y] = T(/* @__PURE__ */ new Set()), [b, S] = T(null), [p, i] = T([]), [$, I] = T(""), [f, B] = T(!1), [R, O] = T(null), d = qt(null);
  se(() => {
    R && d.current?.scrollIntoView?.({ block: "nearest" });
  }, [R]);
  const C = Te(() => {
    t && (a(null), l(null), e.api.get(t.import_url, { timeout: _e }).then((u) => l(u.data)).catch((u) => a(zt(t.target, u))));
  }, [e.api, t?.import_url, t?.target]);
  se(C, [C]), se(() => {
    if (!t)
      return;
    const u = { limit: Wt, ordering: "pathstring" };
    $.trim() && (u.search = $.trim()), e.api.get(t.locations_url, { params: u }).then((L) => i((Pe) => Ht(Pt(L.data), Pe, b))).catch(() => i((L) => L));
  }, [e.api, t?.locations_url, $]);
  const v = Bt(() => Ct(n?.products ?? [], g), [n, g]), J = Tt(v, k), Ae = Te(() => {
    !t || !n || e.id === void 0 || e.id === null || (B(!0), O(null), e.api.post(
      t.import_url,
      Mt(n.products, c, e.id, b),
      { timeout: _e }
    ).then((u) => {
      O({ outcome: It(u.data), answer: u.data }), y((L) => ae(L, u.data.created, !1)), C();
    }).catch((u) => {
      O({ outcome: Ot(u) });
      const L = u?.response?.status;
      (!L || L >= 500) && (y(/* @__PURE__ */ new Set()), C());
    }).finally(() => B(!1)));
  }, [e.api, t?.import_url, n, c, e.id, b, C]);
  if (!t)
    return /* @__PURE__ */ o.createElement(Se, { color: "red", title: "Panel misconfigured" }, "The plugin sent no URLs for this panel.");
  const Ne = e.instance?.pathstring || e.instance?.name || `category ${e.id}`, K = vt(c, v);
  return /* @__PURE__ */ o.createElement(Y, { gap: "sm", ref: d }, /* @__PURE__ */ o.createElement(x, { size: "sm" }, "Products on ", t.target, " whose SKU no part holds. The chosen ones become parts of ", /* @__PURE__ */ o.createElement("b", null, Ne), " (name, description, IPN = SKU, salable, the shop's price), linked to ", t.target, " at once. Nothing is changed on the shop."), R && /* @__PURE__ */ o.createElement(Vt, { result: R, urls: t, navigate: e.navigate, onClose: () => O(null) }), r && /* @__PURE__ */ o.createElement(Y, { gap: "xs" }, /* @__PURE__ */ o.createElement(P, { outcome: r, onClose: () => a(null) }), /* @__PURE__ */ o.createElement(G, null, /* @__PURE__ */ o.createElement(D, { variant: "outline", onClick: C }, "Retry"))), !n && !r && /* @__PURE__ */ o.createElement(G, { gap: "xs" }, /* @__PURE__ */ o.createElement(Ft, { size: "sm" }), /* @__PURE__ */ o.createElement(x, { size: "sm" }, "Reading the products of ", t.target, "...")), n && n.count === 0 && /* @__PURE__ */ o.createElement(Se, { color: "blue", title: Ce(t.target).title }, /* @__PURE__ */ o.createElement(Y, { gap: "xs" }, /* @__PURE__ */ o.createElement(x, { size: "sm" }, Ce(t.target).lines[0]), /* @__PURE__ */ o.createElement(G, null, /* @__PURE__ */ o.createElement(D, { size: "xs", variant: "outline", onClick: C }, "Read the shop again")))), n && n.count > 0 && /* @__PURE__ */ o.createElement(o.Fragment, null, /* @__PURE__ */ o.createElement(G, { gap: "sm", align: "end" }, /* @__PURE__ */ o.createElement(
    Gt,
    {
      label: "Filter",
      placeholder: "SKU, name or kind",
      value: g,
      w: 260,
      onChange: (u) => {
        E(u.currentTarget.value), _(1);
      }
    }
  ), /* @__PURE__ */ o.createElement(x, { size: "sm" }, v.length, " of ", n.count, " product", n.count === 1 ? "" : "s", " shown, ", c.size, " selected"), /* @__PURE__ */ o.createElement(
    D,
    {
      size: "xs",
      variant: "outline",
      onClick: () => y(ae(c, v, !0)),
      disabled: !v.length || K === "all"
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
      onChange: () => y(ae(c, v, K !== "all"))
    }
  )), /* @__PURE__ */ o.createElement(w.Th, null, "SKU"), /* @__PURE__ */ o.createElement(w.Th, null, "Name"), /* @__PURE__ */ o.createElement(w.Th, null, "Kind"), /* @__PURE__ */ o.createElement(w.Th, null, "Price"), /* @__PURE__ */ o.createElement(w.Th, null, "Quantity"))), /* @__PURE__ */ o.createElement(w.Tbody, null, J.map((u) => /* @__PURE__ */ o.createElement(w.Tr, { key: u.sku }, /* @__PURE__ */ o.createElement(w.Td, null, /* @__PURE__ */ o.createElement(
    ve,
    {
      "aria-label": `Select ${u.sku}`,
      checked: c.has(u.sku),
      onChange: () => y(St(c, u.sku))
    }
  )), /* @__PURE__ */ o.createElement(w.Td, null, u.sku), /* @__PURE__ */ o.createElement(w.Td, null, u.name), /* @__PURE__ */ o.createElement(w.Td, null, Rt(u)), /* @__PURE__ */ o.createElement(w.Td, null, u.price ?? "-"), /* @__PURE__ */ o.createElement(w.Td, null, Lt(u)))))), !J.length && /* @__PURE__ */ o.createElement(x, { size: "sm" }, "No product matches the filter."), v.length > J.length && /* @__PURE__ */ o.createElement(
    Ut,
    {
      total: ue(v.length),
      value: Math.min(k, ue(v.length)),
      onChange: _,
      size: "sm"
    }
  ), /* @__PURE__ */ o.createElement(G, { gap: "sm", align: "end" }, /* @__PURE__ */ o.createElement(
    Dt,
    {
      label: "Initial stock in location (optional)",
      w: 320,
      searchable: !0,
      clearable: !0,
      placeholder: "No stock: the parts start empty",
      data: p,
      value: b,
      onChange: S,
      searchValue: $,
      onSearchChange: I,
      nothingFoundMessage: "No such stock location"
    }
  ), /* @__PURE__ */ o.createElement(D, { onClick: Ae, loading: f, disabled: !c.size }, "Import ", c.size || "", " product", c.size === 1 ? "" : "s")), !b && c.size > 0 && /* @__PURE__ */ o.createElement(x, { size: "xs", c: "dimmed" }, "Without a location the new parts hold no stock, and the next push sets them to 0 on ", t.target, ".")));
}
function Ht(e, t, n) {
  const l = t.find((r) => r.value === n);
  return l && !e.some((r) => r.value === n) ? [l, ...e] : e;
}
function Vt({ result: e, urls: t, navigate: n, onClose: l }) {
  const r = e.answer?.created ?? [];
  return /* @__PURE__ */ o.createElement(Y, { gap: 4 }, /* @__PURE__ */ o.createElement(P, { outcome: e.outcome, onClose: l }), r.length > 0 && /* @__PURE__ */ o.createElement(Me, { size: "sm" }, r.map((a) => {
    const g = At(t.part_url, a.part);
    return /* @__PURE__ */ o.createElement(Me.Item, { key: a.sku }, /* @__PURE__ */ o.createElement(xt, { href: g, size: "sm", onClick: (E) => {
      n && (E.preventDefault(), n(Nt(a.part)));
    } }, a.sku), a.stock_item !== null ? " (with stock)" : "");
  })));
}
function Qt(e) {
  return /* @__PURE__ */ o.createElement(Kt, { context: e });
}
export {
  Qt as renderImportPanel,
  jt as renderPanel
};
