// The supervisor's live view and the wallboard: tables and tiles updated from the
// engine's events over one WebSocket. Text only (textContent), never HTML from the wire.
(() => {
  const root = document.getElementById("floor");
  if (!root) return;
  const labels = JSON.parse(document.getElementById("floor-labels").textContent);
  const manage = root.dataset.manage === "true";
  const monitorAllowed = root.dataset.monitor === "true";
  const me = Number(root.dataset.me);
  const listening = {}; // call id -> {state: "ringing" | "listening", mode}: this supervisor's own phone
  const ended = {}; // call id -> why the last listening ended (shown until the next)
  let socket = null;

  const fmt = (seconds) => {
    seconds = Math.max(0, Math.floor(seconds || 0));
    const m = Math.floor(seconds / 60), s = seconds % 60;
    return m + ":" + String(s).padStart(2, "0");
  };
  const since = (iso) => (iso ? (Date.now() - Date.parse(iso)) / 1000 : 0);
  const send = (command, fields) => socket && socket.readyState === WebSocket.OPEN && socket.send(JSON.stringify({ command, ...fields }));

  function setField(scope, field, text) {
    scope.querySelectorAll('[data-field="' + field + '"]').forEach((el) => { el.textContent = text; });
  }

  function queueStats(msg) {
    for (const q of msg.queues) {
      document.querySelectorAll('[data-queue="' + CSS.escape(q.code) + '"]').forEach((scope) => {
        for (const f of ["waiting", "offered", "answered", "abandoned"]) setField(scope, f, String(q[f] ?? 0));
        setField(scope, "longest_wait", fmt(q.longest_wait));
        const sl = q.service_level;
        setField(scope, "service_level", sl == null ? "—" : (sl * 100).toFixed(1) + "%");
        const target = (q.sl_target_percent || 80) / 100;
        scope.classList.toggle("good", sl != null && sl >= target);
        scope.classList.toggle("bad", sl != null && sl < target - 0.1);
        scope.classList.toggle("warn", sl != null && sl < target && sl >= target - 0.1);
      });
    }
  }

  function agentRow(msg) {
    const table = document.querySelector("#agent-table tbody");
    if (!table) return null;
    let row = table.querySelector('tr[data-agent="' + msg.agent + '"]');
    if (!row) {
      row = document.createElement("tr");
      row.dataset.agent = msg.agent;
      row.innerHTML = '<th scope="row" data-field="name"></th><td data-field="state"></td><td data-field="since"></td>' + (manage ? '<td class="row-actions"></td>' : "");
      table.appendChild(row);
    }
    if (manage && !row.querySelector(".row-actions").childElementCount) {
      const cell = row.querySelector(".row-actions");
      cell.appendChild(document.getElementById("agent-actions").content.cloneNode(true));
      const select = cell.querySelector("select");
      select.id = "agent-state-" + msg.agent;
      cell.querySelector("label").htmlFor = select.id;
      cell.querySelector("button").addEventListener("click", () => {
        const [state, reason] = select.value.split(":");
        send("set_agent_state", { agent: Number(msg.agent), state, reason: reason || "" });
      });
    }
    return row;
  }

  function agentState(msg) {
    const row = agentRow(msg);
    if (!row) return;
    if (msg.name) setField(row, "name", msg.name);
    const cell = row.querySelector('[data-field="state"]');
    cell.dataset.state = msg.state;
    cell.textContent = (labels.states[msg.state] || msg.state) + (msg.reason ? " (" + msg.reason + ")" : "");
    row.querySelector('[data-field="since"]').dataset.since = msg.since || new Date().toISOString();
  }

  function callUpdate(msg) {
    const call = msg.call;
    const table = document.querySelector("#call-table tbody");
    if (!table) return;
    let row = table.querySelector('tr[data-call="' + call.id + '"]');
    if (call.state === "ended") { if (row) row.remove(); return; }
    if (!row) {
      row = document.createElement("tr");
      row.dataset.call = call.id;
      row.innerHTML = '<td data-field="caller"></td><td data-field="queue"></td><td data-field="state"></td><td data-field="agent"></td><td data-field="since"></td>' + (manage ? '<td class="row-actions"></td>' : "") + (monitorAllowed ? '<td class="listen-actions"></td>' : "");
      table.appendChild(row);
      if (manage) {
        const cell = row.querySelector(".row-actions");
        cell.appendChild(document.getElementById("call-actions").content.cloneNode(true));
        const select = cell.querySelector("select");
        select.id = "move-" + call.id;
        cell.querySelector("label").htmlFor = select.id;
        cell.querySelector("button").addEventListener("click", () => send("move_call", { call: call.id, queue: select.value }));
      }
      if (monitorAllowed) {
        const cell = row.querySelector(".listen-actions");
        cell.appendChild(document.getElementById("listen-actions").content.cloneNode(true));
        cell.querySelectorAll('[data-role="monitor"]').forEach((button) => {
          button.addEventListener("click", () => send("monitor", { call: call.id, mode: button.dataset.mode }));
        });
        cell.querySelector('[data-role="stop-monitor"]').addEventListener("click", () => send("stop_monitor", { call: call.id }));
      }
    }
    row.dataset.state = call.state;
    setField(row, "caller", call.direction === "outbound" ? "→ " + call.dialed_number : call.caller_number);
    setField(row, "queue", call.queue_name || call.queue || "");
    setField(row, "state", labels.call_states[call.state] || call.state);
    const agentName = call.agent ? (document.querySelector('tr[data-agent="' + call.agent + '"] [data-field="name"]')?.textContent || "") : "";
    setField(row, "agent", agentName);
    row.querySelector('[data-field="since"]').dataset.since = call.since || new Date().toISOString();
    const actions = row.querySelector(".row-actions");
    if (actions) actions.hidden = call.state !== "waiting";
    paintListen(row);
  }

  // Listen / Whisper / Barge in: rings the supervisor's own registered phone with the call.
  function paintListen(row) {
    const cell = row.querySelector(".listen-actions");
    if (!cell) return;
    const id = row.dataset.call, mine = listening[id];
    const connected = ["talking", "held"].includes(row.dataset.state);
    // On the call: the other modes stay offered (no new ring); ringing or switching: none.
    cell.querySelectorAll('[data-role="monitor"]').forEach((button) => {
      button.hidden = !connected || (mine ? mine.state !== "listening" || mine.mode === button.dataset.mode : false);
    });
    cell.querySelector('[data-role="stop-monitor"]').hidden = !mine;
    const status = !mine ? (ended[id] || "") : mine.state === "ringing" ? labels.listen_ringing : (labels.monitoring[mine.mode] || "");
    cell.querySelector('[data-role="listen-state"]').textContent = status;
  }

  function monitorUpdate(msg) {
    if (msg.supervisor !== me) return;
    if (msg.state === "ended") {
      delete listening[msg.call];
      ended[msg.call] = ["no_answer", "failed"].includes(msg.reason) ? (labels.listen_ended[msg.reason] || "") : "";
    } else {
      listening[msg.call] = { state: msg.state, mode: msg.mode };
      delete ended[msg.call];
    }
    const row = document.querySelector('#call-table tr[data-call="' + CSS.escape(msg.call) + '"]');
    if (row) paintListen(row);
  }

  const handlers = {
    queue_stats: queueStats,
    agent_state: agentState,
    call_update: callUpdate,
    monitor: monitorUpdate,
    error: (m) => { const el = document.getElementById("floor-error"); if (el) { el.textContent = m.message; el.hidden = false; } },
  };

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + root.dataset.ws);
    const badge = document.getElementById("connection");
    socket.onopen = () => { badge.textContent = labels.connected; badge.className = "badge ok"; };
    socket.onclose = () => { badge.textContent = labels.disconnected; badge.className = "badge warn"; setTimeout(connect, 1000); };
    socket.onmessage = (e) => {
      const msg = JSON.parse(e.data);
      (handlers[msg.event] || (() => {}))(msg);
      root.dispatchEvent(new CustomEvent("floor:" + msg.event, { detail: msg }));
    };
  }

  // Rows rendered by the server get their action cells too.
  document.querySelectorAll("#agent-table tr[data-agent]").forEach((row) => agentRow({ agent: row.dataset.agent }));

  setInterval(() => {
    document.querySelectorAll('[data-field="since"][data-since]').forEach((el) => { el.textContent = fmt(since(el.dataset.since)); });
  }, 500);
  connect();
})();
