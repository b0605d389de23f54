/* The dpgkg query page: YASGUI over this server's /sparql, one tab per named query.
 *
 * Nothing is kept in localStorage (persistenceId: null), so every visit starts from the
 * current named queries; a shared link (#query=...) still opens as an extra tab.
 * Nothing is fetched from other hosts: the prefix list is the graph's own plus YASQE's
 * bundled one, and the LOV class/property autocompleters (remote look-ups) are off.
 */
(function () {
  "use strict";
  var root = document.getElementById("yasgui");
  var examples = JSON.parse(document.getElementById("dpgkg-examples").textContent);
  var prefixes = JSON.parse(document.getElementById("dpgkg-prefixes").textContent);
  var endpoint = new URL(root.getAttribute("data-endpoint") || "/sparql", window.location.href).href;
  var Yasqe = Yasgui.Yasqe;

  // The graph's prefixes first; YASQE's bundled ones (offline, no prefix.cc) for the rest.
  // Typing "dpg:" in a query then adds "PREFIX dpg: <...>" at its top.
  Yasqe.forkAutocompleter("prefixes", {
    name: "dpgkgPrefixes",
    persistenceId: null,
    get: function (yasqe) {
      var ours = Object.keys(prefixes).map(function (p) { return p + ": <" + prefixes[p] + ">"; });
      return Promise.resolve(Yasqe.Autocompleters.prefixes.get(yasqe)).then(function (bundled) {
        var others = (bundled || []).filter(function (line) {
          return !Object.prototype.hasOwnProperty.call(prefixes, line.split(":")[0]);
        });
        return ours.concat(others).sort();
      });
    }
  }, false);
  // Set on the defaults themselves: YASGUI deep-merges configs, which merges arrays by index.
  Yasqe.defaults.autocompleters = ["dpgkgPrefixes", "variables"];
  Yasgui.defaults.yasqe.autocompleters = ["dpgkgPrefixes", "variables"];
  Yasqe.defaults.prefixCcApi = null;

  var yasgui = new Yasgui(root, {
    persistenceId: null,
    autoAddOnInit: false,
    populateFromUrl: true,
    copyEndpointOnNewTab: true,
    tabName: "Query",
    requestConfig: { endpoint: endpoint, method: "POST" },
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: endpoint }]; },
      keys: []
    },
    yasqe: { prefixCcApi: null },
    yasr: { prefixes: prefixes }
  });

  var opened = Object.keys(yasgui._tabs).length > 0;  // a shared link's tab, if any
  examples.forEach(function (example, i) {
    yasgui.addTab(!opened && i === 0, {
      name: example.name,
      yasqe: { value: example.query },
      requestConfig: { endpoint: endpoint }
    });
  });
  if (!opened && examples.length === 0) {
    yasgui.addTab(true, { requestConfig: { endpoint: endpoint } });
  }
  window.dpgkgYasgui = yasgui;  // for the browser test and the console
})();
