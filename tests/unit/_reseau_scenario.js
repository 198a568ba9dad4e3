(function () {
  "use strict";
  var R = {}, api = function () { return window.reseauActeurs; };
  function reseau() { return api().reseau; }
  function etat() {
    reseau().redraw();  // synchronous: what is read below is what is on screen now (frames are not timed here)
    var body = reseau().body, pos = reseau().getPositions(), arrondi = {};
    Object.keys(pos).forEach(function (k) { arrondi[k] = [Math.round(pos[k].x * 100) / 100, Math.round(pos[k].y * 100) / 100]; });
    return {positions: arrondi, noeuds_dessines: body.nodeIndices.length, liens_dessines: body.edgeIndices.length,
            noeuds_dessines_ids: body.nodeIndices.slice(),
            compteur: document.getElementById("compteur").textContent,
            etiquettes: api().etiquettes().map(function (e) { return e.id; }),
            boites: api().etiquettes(), echelle: reseau().getScale(),
            fiche: document.getElementById("fiche").hidden ? null : document.getElementById("fiche").innerText,
            resultats: Array.prototype.map.call(document.querySelectorAll("#resultats button"), function (b) { return b.textContent; }),
            recherche_etat: document.getElementById("recherche-etat").textContent};
  }
  function cocher(libelle, valeur) {
    var trouve = false;
    document.querySelectorAll("#panneau label").forEach(function (l) {
      var c = l.querySelector("input[type=checkbox]");
      if (c && l.textContent.trim().indexOf(libelle) === 0) { trouve = true; if (c.checked !== valeur) { c.click(); } }
    });
    if (!trouve) { throw new Error("case introuvable : " + libelle); }
  }
  function taper(texte) {
    var c = document.getElementById("recherche"); c.value = texte; c.dispatchEvent(new Event("input"));
  }
  function cliquer(id) { document.getElementById(id).click(); }
  var etapes = [
__STEPS__
  ];
  function suivante(i) {
    if (i >= etapes.length) {
      var pre = document.createElement("pre"); pre.id = "resultat-scenario"; pre.hidden = true;
      pre.textContent = JSON.stringify(R); document.body.appendChild(pre); return;
    }
    try { etapes[i](R); } catch (e) { R.erreur = (R.erreur || "") + " étape " + i + " : " + String(e); }
    setTimeout(function () { suivante(i + 1); }, 150);
  }
  function attendre() {
    if (!window.reseauActeurs || document.getElementById("reseau").getAttribute("data-etat") !== "stabilise") {
      setTimeout(attendre, 50); return;
    }
    suivante(0);
  }
  setTimeout(attendre, 0);
})();
