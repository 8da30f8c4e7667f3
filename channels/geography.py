"""Mexican states (INEGI codes) and the IANA timezones in use in Mexico."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    AGS = "01", "Aguascalientes"
    BC = "02", "Baja California"
    BCS = "03", "Baja California Sur"
    CAMP = "04", "Campeche"
    COAH = "05", "Coahuila de Zaragoza"
    COL = "06", "Colima"
    CHIS = "07", "Chiapas"
    CHIH = "08", "Chihuahua"
    CDMX = "09", "Ciudad de México"
    DGO = "10", "Durango"
    GTO = "11", "Guanajuato"
    GRO = "12", "Guerrero"
    HGO = "13", "Hidalgo"
    JAL = "14", "Jalisco"
    MEX = "15", "Estado de México"
    MICH = "16", "Michoacán de Ocampo"
    MOR = "17", "Morelos"
    NAY = "18", "Nayarit"
    NL = "19", "Nuevo León"
    OAX = "20", "Oaxaca"
    PUE = "21", "Puebla"
    QRO = "22", "Querétaro"
    QROO = "23", "Quintana Roo"
    SLP = "24", "San Luis Potosí"
    SIN = "25", "Sinaloa"
    SON = "26", "Sonora"
    TAB = "27", "Tabasco"
    TAMPS = "28", "Tamaulipas"
    TLAX = "29", "Tlaxcala"
    VER = "30", "Veracruz de Ignacio de la Llave"
    YUC = "31", "Yucatán"
    ZAC = "32", "Zacatecas"


class MexicanTimezone(models.TextChoices):
    MEXICO_CITY = "America/Mexico_City", _("Centro (America/Mexico_City)")
    CANCUN = "America/Cancun", _("Sureste (America/Cancun)")
    MERIDA = "America/Merida", _("Centro — Península (America/Merida)")
    MONTERREY = "America/Monterrey", _("Centro — Noreste (America/Monterrey)")
    CHIHUAHUA = "America/Chihuahua", _("Centro — Chihuahua (America/Chihuahua)")
    CIUDAD_JUAREZ = (
        "America/Ciudad_Juarez",
        _("Montaña con horario de verano (America/Ciudad_Juarez)"),
    )
    HERMOSILLO = "America/Hermosillo", _("Pacífico sin horario de verano (America/Hermosillo)")
    MAZATLAN = "America/Mazatlan", _("Pacífico (America/Mazatlan)")
    TIJUANA = "America/Tijuana", _("Noroeste (America/Tijuana)")
