#!/usr/bin/env bash
# Debian's Chromium prints the report to PDF and runs the browser tests. Install it when we can
# (root and apt-get); otherwise say, in French, what is missing and how to get it. Never fails:
# without Chromium the build still writes the HTML report and says why there is no PDF.
if [ -n "${PACTE_CHROMIUM:-}" ] && [ -x "${PACTE_CHROMIUM}" ]; then
  exit 0
fi
# the same names rapport/rendu.py looks for
for nom in chromium chromium-browser google-chrome; do
  if command -v "$nom" >/dev/null 2>&1; then
    exit 0
  fi
done
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "setup : installation de Chromium (paquet Debian « chromium ») pour imprimer le rapport en PDF"
  if apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; then
    exit 0
  fi
  echo "setup : l'installation de Chromium a échoué (voir apt-get) ; le rapport sera produit en HTML seulement." >&2
  exit 0
fi
cat >&2 <<'MSG'
setup : Chromium est absent et ne peut pas être installé ici (il faut être root avec apt-get).
        Le rapport sera produit en HTML seulement, sans PDF. Pour avoir le PDF :
        « sudo apt-get install chromium » (Debian, Ubuntu) puis relancer cette commande,
        ou indiquer le chemin d'un Chromium dans la variable PACTE_CHROMIUM.
MSG
exit 0
