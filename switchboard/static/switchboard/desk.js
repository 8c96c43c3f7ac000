// The operator's desk: one WebSocket to the engine, events in, commands out.
// The server renders every card (screen pop, disposition form) through HTMX;
// this script only moves panels, runs timers and rings.
(() => {
  const desk = document.getElementById("desk");
  if (!desk) return;
  const labels = JSON.parse(document.getElementById("desk-labels").textContent);
  const $ = (id) => document.getElementById(id);
  const NIL = "00000000-0000-0000-0000-000000000000";
  let socket = null;
  let current = null; // the call on this desk (offered, talking or in wrap-up)
  let ringer = null;
  let wrapDeadline = null;
  let callLive = false; // the disposition can be chosen during the call, saved after it

  const fmt = (seconds) => {
    seconds = Math.max(0, Math.floor(seconds));
    const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    return (h ? h + ":" + String(m).padStart(2, "0") : m) + ":" + String(s).padStart(2, "0");
  };
  const since = (iso) => (iso ? (Date.now() - Date.parse(iso)) / 1000 : 0);

  function send(command, fields = {}) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ command, ...fields }));
    }
  }

  function ring(on) {
    if (!on) { if (ringer) { ringer.close(); ringer = null; } return; }
    if (ringer) return;
    try {
      ringer = new (window.AudioContext || window.webkitAudioContext)();
      const osc = ringer.createOscillator(), gain = ringer.createGain();
      osc.frequency.value = 480; gain.gain.value = 0.05;
      osc.connect(gain).connect(ringer.destination); osc.start();
      const pulse = () => { if (!ringer) return; gain.gain.value = gain.gain.value ? 0 : 0.05; setTimeout(pulse, 500); };
      pulse();
    } catch (e) { ringer = null; }
  }

  function announceCall(callId) {
    // Panels of other apps (orders, tickets, articles, scripts) reload for this caller.
    if (desk.dataset.call === (callId || "")) return;
    desk.dataset.call = callId || "";
    htmx.trigger(document.body, "deskcall", { call: callId });
  }

  function loadInto(target, template, callId) {
    htmx.ajax("GET", desk.dataset[template].replace(NIL, callId), { target, swap: "innerHTML" });
  }

  function showState(msg) {
    const state = $("state");
    state.dataset.state = msg.state;
    state.textContent = labels.states[msg.state] || msg.state;
    let reason = msg.reason || "";
    if (msg.until) reason += " · " + labels.until + " " + new Date(msg.until).toLocaleTimeString();
    $("state-reason").textContent = reason;
    $("state-timer").dataset.since = msg.since || new Date().toISOString();
    $("go-available").disabled = msg.state === "available" || msg.state === "on_call" || msg.state === "ringing";
  }

  function showOffer(call) {
    current = call;
    $("offer").hidden = false;
    $("offer-caller").textContent = call.caller_number;
    $("offer-queue").textContent = call.queue_name || call.queue || "";
    $("offer-choices").textContent = (call.ivr_choices || []).join(" › ");
    ring(true);
    loadInto("#pop", "popUrl", call.id);
    announceCall(call.id);
    // With auto-answer the engine connects the call itself; "connected" follows.
    if (desk.dataset.autoAnswer !== "true") $("accept").focus();
  }

  const otherParty = (call) => (call.direction === "outbound" ? call.dialed_number : call.caller_number);

  function showDialing(call) {
    // Our own outbound call rings at the customer: the hang-up button cancels it.
    current = call;
    callLive = true;
    $("call-outcome").hidden = true;
    if (!document.getElementById("disposition-form")) $("wrapup").innerHTML = "";
    $("offer").hidden = true;
    $("no-call").hidden = true;
    $("call-controls").hidden = false;
    $("call-caller").textContent = labels.calling + " " + call.dialed_number;
    $("call-queue").textContent = call.queue_name || call.queue || "";
    $("call-state").textContent = labels.call_states.dialing;
    $("call-timer").dataset.since = call.since || new Date().toISOString();
    loadInto("#pop", "popUrl", call.id);
    announceCall(call.id);
    $("hang-up").focus();
  }

  function showConnected(call) {
    ring(false);
    current = call;
    callLive = true;
    $("offer").hidden = true;
    $("no-call").hidden = true;
    $("call-outcome").hidden = true;
    $("call-controls").hidden = false;
    $("call-caller").textContent = otherParty(call);
    $("call-queue").textContent = call.queue_name || call.queue || "";
    $("call-state").textContent = labels.call_states[call.state] || call.state;
    $("call-timer").dataset.since = call.since || new Date().toISOString();
    if (!document.querySelector("#pop .pop-card")) loadInto("#pop", "popUrl", call.id);
    announceCall(call.id);
    if (!document.getElementById("disposition-form")) {
      loadInto("#wrapup", "dispositionUrl", call.id);
    }
  }

  function showEnded(msg) {
    ring(false);
    callLive = false;
    $("offer").hidden = true;
    $("call-controls").hidden = true;
    $("no-call").hidden = false;
    const outcome = $("call-outcome");
    outcome.dataset.outcome = msg.outcome || "";
    outcome.textContent = labels.call_ended + " " + (labels.outcomes[msg.outcome] || msg.outcome || "");
    outcome.hidden = false;
    const submit = document.querySelector("#disposition-form button[type=submit]");
    if (submit) submit.disabled = false;
    wrapDeadline = msg.wrap_up_seconds ? Date.now() + msg.wrap_up_seconds * 1000 : null;
    const form = document.getElementById("disposition-form");
    if (!form && current) loadInto("#wrapup", "dispositionUrl", current.id);
    else if (form) form.querySelector('input[name="disposition"]')?.focus();
  }

  const handlers = {
    agent_state: showState,
    offer: (m) => showOffer(m.call),
    offer_withdrawn: () => { ring(false); $("offer").hidden = true; current = null; $("pop").innerHTML = ""; },
    connected: (m) => showConnected(m.call),
    dialing: (m) => showDialing(m.call),
    call_ended: showEnded,
    care: (m) => { const el = $("care"); el.textContent = labels.care[m.kind] || m.kind; el.hidden = false; },
    error: (m) => { const el = $("desk-error"); el.textContent = m.message; el.hidden = false; setTimeout(() => { el.hidden = true; }, 6000); },
  };

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + desk.dataset.ws);
    socket.onopen = () => { $("connection").textContent = labels.connected; $("connection").className = "badge ok"; };
    socket.onclose = () => { $("connection").textContent = labels.disconnected; $("connection").className = "badge warn"; setTimeout(connect, 1000); };
    socket.onmessage = (e) => {
      const msg = JSON.parse(e.data);
      (handlers[msg.event] || (() => {}))(msg);
      desk.dispatchEvent(new CustomEvent("desk:" + msg.event, { detail: msg }));
    };
  }

  document.querySelectorAll("[data-command]").forEach((button) => {
    button.addEventListener("click", () => {
      const fields = button.dataset.command === "go_on_break" ? { reason: $("break-reason").value } : {};
      send(button.dataset.command, fields);
      $("care").hidden = true;
    });
  });
  $("accept").addEventListener("click", () => current && send("accept", { call: current.id }));
  $("reject").addEventListener("click", () => current && send("reject", { call: current.id }));
  $("hang-up").addEventListener("click", () => current && send("hang_up", { call: current.id }));
  $("difficult").addEventListener("click", () => current && send("mark_difficult", { call: current.id }));
  $("transfer").addEventListener("click", () => current && send("transfer", { call: current.id, queue: $("transfer-queue").value }));
  $("transfer-out").addEventListener("click", () => {
    const number = $("transfer-number").value.trim();
    if (!current || !number) { $("transfer-number").focus(); return; }
    send("transfer", { call: current.id, number });
  });
  $("dial-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const number = $("dial-number").value.trim();
    if (number) send("originate", { number, mode: $("dial-mode").value });
  });
  // A phone number on the caller's card: call it (say, back, during wrap-up).
  $("pop").addEventListener("click", (e) => {
    const button = e.target.closest("button.dial");
    if (!button) return;
    send("originate", { number: button.dataset.number, contact: Number(button.dataset.contact), mode: $("dial-mode").value });
  });
  $("hold").addEventListener("click", () => {
    if (!current) return;
    const on = $("hold").getAttribute("aria-pressed") !== "true";
    send("hold", { call: current.id, on });
    $("hold").setAttribute("aria-pressed", String(on));
    $("hold").textContent = on ? labels.resume : labels.hold;
  });
  document.body.addEventListener("htmx:afterSwap", (e) => {
    if (e.detail.target.id !== "wrapup") return;
    const form = document.getElementById("disposition-form");
    if (!form) { current = null; wrapDeadline = null; return; }
    form.querySelector("button[type=submit]").disabled = callLive;
  });

  setInterval(() => {
    $("state-timer").textContent = fmt(since($("state-timer").dataset.since));
    if (!$("call-controls").hidden) $("call-timer").textContent = fmt(since($("call-timer").dataset.since));
    const wt = document.getElementById("wrapup-timer");
    if (wt) wt.textContent = wrapDeadline ? fmt((wrapDeadline - Date.now()) / 1000) : "";
  }, 500);

  connect();
})();
