// Sorting and filtering of the incident table; the page reads fine without it.
(function () {
  "use strict";
  var table = document.getElementById("incidents");
  var form = document.getElementById("filters");
  if (!table || !form) { return; }
  form.hidden = false;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var status = document.getElementById("filter-status");
  var severity = document.getElementById("filter-severity");
  var count = document.getElementById("shown-count");
  function filter() {
    var shown = 0;
    rows.forEach(function (row) {
      var keep = (!status.value || row.dataset.status === status.value) &&
                 (!severity.value || row.dataset.severity === severity.value);
      row.hidden = !keep;
      if (keep) { shown += 1; }
    });
    count.textContent = shown + " of " + rows.length + " shown";
  }
  status.addEventListener("change", filter);
  severity.addEventListener("change", filter);
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
    th.tabIndex = 0;
    function sort() {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(th.parentNode.cells, function (c) { c.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var numeric = th.dataset.sort === "number";
      function key(row) {
        var cell = row.cells[index];
        var value = cell.dataset.value !== undefined ? cell.dataset.value : cell.textContent.trim();
        return value === "" ? null : (numeric ? parseFloat(value) : value);
      }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        if (x === null || y === null) { return (x === null) - (y === null); }  // unknown last
        var order = x < y ? -1 : (x > y ? 1 : 0);
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    }
    th.addEventListener("click", sort);
    th.addEventListener("keydown", function (event) { if (event.key === "Enter") { sort(); } });
  });
  filter();
}());
