// GENERATED from schemas/vir-berichten-v1.xsd by libs/xml/scripts/generate-schema.js: do not edit.
import type { CompiledSchema } from './schema-model';

export const VIR_BERICHTEN_V1: CompiledSchema = {
  "targetNamespace": "urn:nl:vir:berichten:v1",
  "version": "1.4",
  "elements": {
    "Melding": "MeldingType",
    "Intrekking": "IntrekkingType",
    "Verwijdering": "VerwijderingType",
    "Matchsignaal": "MatchsignaalType",
    "Matchsignalen": "MatchsignalenType",
    "Ontvangstbevestiging": "OntvangstbevestigingType",
    "Foutbericht": "FoutberichtType",
    "Ping": "PingType"
  },
  "complexTypes": {
    "MeldingKopType": {
      "content": {
        "kind": "sequence",
        "items": [
          {
            "kind": "element",
            "name": "BerichtId",
            "type": "UuidType",
            "min": 1,
            "max": 1
          },
          {
            "kind": "element",
            "name": "AfzenderOin",
            "type": "OinType",
            "min": 1,
            "max": 1
          },
          {
            "kind": "element",
            "name": "Verzonden",
            "type": "TijdstipType",
            "min": 1,
            "max": 1
          },
          {
            "kind": "any",
            "namespaces": [
              "http://www.w3.org/2001/04/xmlenc#"
            ],
            "min": 1,
            "max": 1
          }
        ],
        "min": 1,
        "max": 1
      }
    },
    "VersleuteldBsnType": {
      "content": {
        "kind": "sequence",
        "items": [
          {
            "kind": "any",
            "namespaces": [
              "http://www.w3.org/2001/04/xmlenc#"
            ],
            "min": 1,
            "max": 1
          }
        ],
        "min": 1,
        "max": 1
      }
    },
    "JeugdigeType": {
      "content": {
        "kind": "sequence",
        "items": [
          {
            "kind": "element",
            "name": "Bsn",
            "type": "VersleuteldBsnType",
            "min": 0,
            "max": 1
          },
          {
            "kind": "element",
            "name": "Geboortedatum",
            "type": "DatumType",
            "min": 1,
            "max": 1
          },
          {
            "kind": "element",
            "name": "Woongemeente",
            "type": "GemeentecodeType",
            "min": 0,
            "max": 1
          }
        ],
        "min": 1,
        "max": 1
      }
    },
    "OuderType": {
      "content": {
        "kind": "sequence",
        "items": [
          {
            "kind": "element",
            "name": "Bsn",
            "type": "VersleuteldBsnType",
            "min": 1,
            "max": 1
          }
        ],
        "min": 1,
        "max": 1
      }
    },
    "OudersType": {
      "content": {
        "kind": "sequence",
        "items": [
          {
            "kind": "element",
            "name": "Ouder",
            "type": "OuderType",
            "min": 0,
            "max": 4
          }
        ],
        "min": 1,
        "max": 1
      }
    },
    "MelderType": {
      "content": {
        "kind": "sequence",
        "items": [
          {
            "kind": "sequence",
            "items": [
              {
                "kind": "element",
                "name": "Id",
                "type": "Tekst64Type",
                "min": 1,
                "max": 1
              },
              {
                "kind": "element",
                "name": "Naam",
                "type": "Tekst200Type",
                "min": 1,
                "max": 1
              },
              {
                "kind": "element",
                "name": "Telefoon",
                "type": "TelefoonType",
                "min": 0,
                "max": 1
              },
              {
                "kind": "element",
                "name": "Email",
                "type": "EmailType",
                "min": 0,
                "max": 1
              }
            ],
            "min": 1,
            "max": 1
          }
        ],
        "min": 1,
        "max": 1
      }
    },
    "OrganisatieType": {
      "content": {
        "kind": "sequence",
        "items": [
          {
            "kind": "element",
            "name": "Naam",
            "type": "Tekst200Type",
            "min": 1,
            "max": 1
          },
          {
            "kind": "element",
            "name": "Domein",
            "type": "DomeinType",
            "min": 1,
            "max": 1
          }
        ],
        "min": 1,
        "max": 1
      }
    },
    "MeldingType": {
      "content": {
        "kind": "sequence",
        "items": [
          {
            "kind": "element",
            "name": "Kop",
            "type": "MeldingKopType",
            "min": 1,
            "max": 1
          },
          {
            "kind": "element",
            "name": "Convenant",
            "type": "ConvenantType",
            "min": 1,
            "max": 1
          },
          {
            "kind": "element",
            "name": "Referentie",
            "type": "Tekst100Type",
            "min": 1,
            "max": 1
          },
          {
            "kind": "element",
            "name": "Bsns",
            "type": "VersleuteldBsnType",
            "min": 0,
            "max": 1
          },
          {
            "kind": "element",
            "name": "Jeugdige",
            "type": "JeugdigeType",
            "min": 1,
            "max": 1
          },
          {
            "kind": "element",
            "name": "Ouders",
            "type": "OudersType",
            "min": 0,
            "max": 1
          },
          {
            "kind": "element",
            "name": "Meldingsdatum",
            "type": "DatumType",
            "min": 1,
            "max": 1
          },
          {
            "kind": "element",
            "name": "Melder",
            "type": "MelderType",
            "min": 1,
            "max": 1
          },
          {
            "kind": "element",
            "name": "Organisatie",
            "type": "OrganisatieType",
            "min": 1,
            "max": 1
          },
          {
            "kind": "any",
            "namespaces": [
              "http://www.w3.org/2000/09/xmldsig#"
            ],
            "min": 1,
            "max": 1
          }
        ],
        "min": 1,
        "max": 1
      }
    },
    "KopType": {
      "content": {
        "kind": "sequence",
        "items": [
          {
            "kind": "element",
            "name": "BerichtId",
            "type": "UuidType",
            "min": 1,
            "max": 1
          },
          {
            "kind": "element",
            "name": "AfzenderOin",
            "type": "OinType",
            "min": 1,
            "max": 1
          },
          {
            "kind": "element",
            "name": "Verzonden",
            "type": "TijdstipType",
            "min": 1,
            "max": 1
          }
        ],
        "min": 1,
        "max": 1
      }
    },
    "MeldingVerwijzingType": {
      "content": {
        "kind": "sequence",
        "items": [
          {
            "kind": "choice",
            "items": [
              {
                "kind": "sequence",
                "items": [
                  {
                    "kind": "element",
                    "name": "BerichtId",
                    "type": "UuidType",
                    "min": 1,
                    "max": 1
                  },
                  {
                    "kind": "element",
                    "name": "Referentie",
                    "type": "Tekst100Type",
                    "min": 0,
                    "max": 1
                  }
                ],
                "min": 1,
                "max": 1
              },
              {
                "kind": "element",
                "name": "Referentie",
                "type": "Tekst100Type",
                "min": 1,
                "max": 1
              }
            ],
            "min": 1,
            "max": 1
          }
        ],
        "min": 1,
        "max": 1
      }
    },
    "IntrekkingType": {
      "content": {
        "kind": "sequence",
        "items": [
          {
            "kind": "element",
            "name": "Kop",
            "type": "KopType",
            "min": 1,
            "max": 1
          },
          {
            "kind": "element",
            "name": "MeldingVerwijzing",
            "type": "MeldingVerwijzingType",
            "min": 1,
            "max": 1
          },
          {
            "kind": "element",
            "name": "Intrekkingsdatum",
            "type": "DatumType",
            "min": 1,
            "max": 1
          },
          {
            "kind": "element",
            "name": "Reden",
            "type": "IntrekkingRedenType",
            "min": 0,
            "max": 1
          },
          {
            "kind": "any",
            "namespaces": [
              "http://www.w3.org/2000/09/xmldsig#"
            ],
            "min": 1,
            "max": 1
          }
        ],
        "min": 1,
        "max": 1
      }
    },
    "MeldingVanAfzenderType": {
      "content": {
        "kind": "sequence",
        "items": [
          {
            "kind": "element",
            "name": "AfzenderOin",
            "type": "OinType",
            "min": 1,
            "max": 1
          },
          {
            "kind": "choice",
            "items": [
              {
                "kind": "sequence",
                "items": [
                  {
                    "kind": "element",
                    "name": "BerichtId",
                    "type": "UuidType",
                    "min": 1,
                    "max": 1
                  },
                  {
                    "kind": "element",
                    "name": "Referentie",
                    "type": "Tekst100Type",
                    "min": 0,
                    "max": 1
                  }
                ],
                "min": 1,
                "max": 1
              },
              {
                "kind": "element",
                "name": "Referentie",
                "type": "Tekst100Type",
                "min": 1,
                "max": 1
              }
            ],
            "min": 1,
            "max": 1
          }
        ],
        "min": 1,
        "max": 1
      }
    },
    "VerwijderingType": {
      "content": {
        "kind": "sequence",
        "items": [
          {
            "kind": "element",
            "name": "Kop",
            "type": "KopType",
            "min": 1,
            "max": 1
          },
          {
            "kind": "element",
            "name": "Gemeentecode",
            "type": "GemeentecodeType",
            "min": 1,
            "max": 1
          },
          {
            "kind": "element",
            "name": "MeldingVerwijzing",
            "type": "MeldingVanAfzenderType",
            "min": 1,
            "max": 1
          },
          {
            "kind": "element",
            "name": "Reden",
            "type": "VerwijderingRedenType",
            "min": 1,
            "max": 1
          },
          {
            "kind": "element",
            "name": "Besluitdatum",
            "type": "DatumType",
            "min": 1,
            "max": 1
          },
          {
            "kind": "any",
            "namespaces": [
              "http://www.w3.org/2000/09/xmldsig#"
            ],
            "min": 1,
            "max": 1
          }
        ],
        "min": 1,
        "max": 1
      }
    },
    "MatchsignaalKopType": {
      "content": {
        "kind": "sequence",
        "items": [
          {
            "kind": "element",
            "name": "BerichtId",
            "type": "UuidType",
            "min": 1,
            "max": 1
          },
          {
            "kind": "element",
            "name": "AfzenderOin",
            "type": "OinType",
            "min": 1,
            "max": 1
          },
          {
            "kind": "element",
            "name": "OntvangerOin",
            "type": "OinType",
            "min": 1,
            "max": 1
          },
          {
            "kind": "element",
            "name": "Verzonden",
            "type": "TijdstipType",
            "min": 1,
            "max": 1
          }
        ],
        "min": 1,
        "max": 1
      }
    },
    "EigenMeldingType": {
      "content": {
        "kind": "sequence",
        "items": [
          {
            "kind": "element",
            "name": "Referentie",
            "type": "Tekst100Type",
            "min": 1,
            "max": 1
          },
          {
            "kind": "element",
            "name": "BerichtId",
            "type": "UuidType",
            "min": 1,
            "max": 1
          }
        ],
        "min": 1,
        "max": 1
      }
    },
    "AndereMelderType": {
      "content": {
        "kind": "sequence",
        "items": [
          {
            "kind": "sequence",
            "items": [
              {
                "kind": "element",
                "name": "Id",
                "type": "Tekst64Type",
                "min": 1,
                "max": 1
              },
              {
                "kind": "element",
                "name": "Naam",
                "type": "Tekst200Type",
                "min": 1,
                "max": 1
              },
              {
                "kind": "element",
                "name": "Telefoon",
                "type": "TelefoonType",
                "min": 0,
                "max": 1
              },
              {
                "kind": "element",
                "name": "Email",
                "type": "EmailType",
                "min": 0,
                "max": 1
              }
            ],
            "min": 1,
            "max": 1
          },
          {
            "kind": "element",
            "name": "Convenant",
            "type": "ConvenantType",
            "min": 1,
            "max": 1
          }
        ],
        "min": 1,
        "max": 1
      }
    },
    "MatchsignaalType": {
      "content": {
        "kind": "sequence",
        "items": [
          {
            "kind": "sequence",
            "items": [
              {
                "kind": "element",
                "name": "Kop",
                "type": "MatchsignaalKopType",
                "min": 1,
                "max": 1
              },
              {
                "kind": "element",
                "name": "MatchId",
                "type": "Tekst64Type",
                "min": 1,
                "max": 1
              },
              {
                "kind": "element",
                "name": "Soort",
                "type": "MatchSoortType",
                "min": 1,
                "max": 1
              },
              {
                "kind": "element",
                "name": "Reikwijdte",
                "type": "MatchReikwijdteType",
                "min": 1,
                "max": 1
              },
              {
                "kind": "element",
                "name": "EigenMelding",
                "type": "EigenMeldingType",
                "min": 1,
                "max": 1
              },
              {
                "kind": "element",
                "name": "AndereMelder",
                "type": "AndereMelderType",
                "min": 1,
                "max": 1
              },
              {
                "kind": "element",
                "name": "AndereOrganisatie",
                "type": "OrganisatieType",
                "min": 1,
                "max": 1
              }
            ],
            "min": 1,
            "max": 1
          },
          {
            "kind": "any",
            "namespaces": [
              "http://www.w3.org/2000/09/xmldsig#"
            ],
            "min": 1,
            "max": 1
          }
        ],
        "min": 1,
        "max": 1
      }
    },
    "GebundeldMatchsignaalType": {
      "content": {
        "kind": "sequence",
        "items": [
          {
            "kind": "sequence",
            "items": [
              {
                "kind": "element",
                "name": "Kop",
                "type": "MatchsignaalKopType",
                "min": 1,
                "max": 1
              },
              {
                "kind": "element",
                "name": "MatchId",
                "type": "Tekst64Type",
                "min": 1,
                "max": 1
              },
              {
                "kind": "element",
                "name": "Soort",
                "type": "MatchSoortType",
                "min": 1,
                "max": 1
              },
              {
                "kind": "element",
                "name": "Reikwijdte",
                "type": "MatchReikwijdteType",
                "min": 1,
                "max": 1
              },
              {
                "kind": "element",
                "name": "EigenMelding",
                "type": "EigenMeldingType",
                "min": 1,
                "max": 1
              },
              {
                "kind": "element",
                "name": "AndereMelder",
                "type": "AndereMelderType",
                "min": 1,
                "max": 1
              },
              {
                "kind": "element",
                "name": "AndereOrganisatie",
                "type": "OrganisatieType",
                "min": 1,
                "max": 1
              }
            ],
            "min": 1,
            "max": 1
          }
        ],
        "min": 1,
        "max": 1
      }
    },
    "MatchsignalenType": {
      "content": {
        "kind": "sequence",
        "items": [
          {
            "kind": "element",
            "name": "Kop",
            "type": "MatchsignaalKopType",
            "min": 1,
            "max": 1
          },
          {
            "kind": "element",
            "name": "Matchsignaal",
            "type": "GebundeldMatchsignaalType",
            "min": 1,
            "max": 200
          },
          {
            "kind": "any",
            "namespaces": [
              "http://www.w3.org/2000/09/xmldsig#"
            ],
            "min": 1,
            "max": 1
          }
        ],
        "min": 1,
        "max": 1
      }
    },
    "LeegType": {
      "content": {
        "kind": "sequence",
        "items": [],
        "min": 1,
        "max": 1
      }
    },
    "FoutType": {
      "content": {
        "kind": "sequence",
        "items": [
          {
            "kind": "element",
            "name": "Code",
            "type": "FoutcodeType",
            "min": 1,
            "max": 1
          },
          {
            "kind": "element",
            "name": "Omschrijving",
            "type": "Tekst500Type",
            "min": 1,
            "max": 1
          }
        ],
        "min": 1,
        "max": 1
      }
    },
    "ResultaatType": {
      "content": {
        "kind": "sequence",
        "items": [
          {
            "kind": "element",
            "name": "TrackingId",
            "type": "UuidType",
            "min": 1,
            "max": 1
          },
          {
            "kind": "element",
            "name": "BerichtId",
            "type": "UuidType",
            "min": 0,
            "max": 1
          },
          {
            "kind": "choice",
            "items": [
              {
                "kind": "element",
                "name": "Geaccepteerd",
                "type": "LeegType",
                "min": 1,
                "max": 1
              },
              {
                "kind": "element",
                "name": "Afgewezen",
                "type": "FoutType",
                "min": 1,
                "max": 1
              }
            ],
            "min": 1,
            "max": 1
          }
        ],
        "min": 1,
        "max": 1
      }
    },
    "OntvangstbevestigingType": {
      "content": {
        "kind": "sequence",
        "items": [
          {
            "kind": "element",
            "name": "Kop",
            "type": "MatchsignaalKopType",
            "min": 1,
            "max": 1
          },
          {
            "kind": "element",
            "name": "Resultaat",
            "type": "ResultaatType",
            "min": 1,
            "max": 1000
          },
          {
            "kind": "any",
            "namespaces": [
              "http://www.w3.org/2000/09/xmldsig#"
            ],
            "min": 1,
            "max": 1
          }
        ],
        "min": 1,
        "max": 1
      }
    },
    "FoutberichtType": {
      "content": {
        "kind": "sequence",
        "items": [
          {
            "kind": "element",
            "name": "Kop",
            "type": "MatchsignaalKopType",
            "min": 1,
            "max": 1
          },
          {
            "kind": "element",
            "name": "Betreft",
            "type": "UuidType",
            "min": 1,
            "max": 1
          },
          {
            "kind": "element",
            "name": "Code",
            "type": "FoutcodeType",
            "min": 1,
            "max": 1
          },
          {
            "kind": "element",
            "name": "Omschrijving",
            "type": "Tekst500Type",
            "min": 1,
            "max": 1
          },
          {
            "kind": "any",
            "namespaces": [
              "http://www.w3.org/2000/09/xmldsig#"
            ],
            "min": 1,
            "max": 1
          }
        ],
        "min": 1,
        "max": 1
      }
    },
    "HopType": {
      "content": {
        "kind": "sequence",
        "items": [
          {
            "kind": "element",
            "name": "Component",
            "type": "ComponentType",
            "min": 1,
            "max": 1
          },
          {
            "kind": "element",
            "name": "Tijdstip",
            "type": "TijdstipType",
            "min": 1,
            "max": 1
          }
        ],
        "min": 1,
        "max": 1
      }
    },
    "HopsType": {
      "content": {
        "kind": "sequence",
        "items": [
          {
            "kind": "element",
            "name": "Hop",
            "type": "HopType",
            "min": 1,
            "max": 32
          }
        ],
        "min": 1,
        "max": 1
      }
    },
    "PingType": {
      "content": {
        "kind": "sequence",
        "items": [
          {
            "kind": "element",
            "name": "Kop",
            "type": "MatchsignaalKopType",
            "min": 1,
            "max": 1
          },
          {
            "kind": "element",
            "name": "PingId",
            "type": "UuidType",
            "min": 1,
            "max": 1
          },
          {
            "kind": "element",
            "name": "Richting",
            "type": "RichtingType",
            "min": 1,
            "max": 1
          },
          {
            "kind": "element",
            "name": "Hops",
            "type": "HopsType",
            "min": 1,
            "max": 1
          },
          {
            "kind": "any",
            "namespaces": [
              "http://www.w3.org/2000/09/xmldsig#"
            ],
            "min": 1,
            "max": 1
          }
        ],
        "min": 1,
        "max": 1
      }
    },
    "BsnsInhoudType": {
      "content": {
        "kind": "sequence",
        "items": [
          {
            "kind": "element",
            "name": "JeugdigeBsn",
            "type": "BsnType",
            "min": 1,
            "max": 1
          },
          {
            "kind": "element",
            "name": "OuderBsn",
            "type": "BsnType",
            "min": 0,
            "max": 4
          }
        ],
        "min": 1,
        "max": 1
      }
    }
  },
  "simpleTypes": {
    "xs:string": {
      "builtin": "string",
      "patterns": []
    },
    "UuidType": {
      "builtin": "string",
      "patterns": [
        [
          "^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$"
        ]
      ]
    },
    "OinType": {
      "builtin": "string",
      "patterns": [
        [
          "^(?:[0-9]{20})$"
        ]
      ]
    },
    "xs:dateTime": {
      "builtin": "dateTime",
      "patterns": []
    },
    "TijdstipType": {
      "builtin": "dateTime",
      "patterns": [
        [
          "^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]{1,9})?(?:Z|[\\+\\-][0-9]{2}:[0-9]{2}))$"
        ]
      ]
    },
    "ConvenantType": {
      "builtin": "string",
      "patterns": [
        [
          "^(?:[0-9A-Za-z\\-]{1,16})$"
        ]
      ]
    },
    "TekstType": {
      "builtin": "string",
      "patterns": [
        [
          "^(?:[^\\t\\n\\r\\u{7f}]*[^[ \\t\\n\\r]\\u{7f}][^\\t\\n\\r\\u{7f}]*)$"
        ]
      ]
    },
    "Tekst100Type": {
      "builtin": "string",
      "patterns": [
        [
          "^(?:[^\\t\\n\\r\\u{7f}]*[^[ \\t\\n\\r]\\u{7f}][^\\t\\n\\r\\u{7f}]*)$"
        ]
      ],
      "maxLength": 100
    },
    "xs:date": {
      "builtin": "date",
      "patterns": []
    },
    "DatumType": {
      "builtin": "date",
      "patterns": [
        [
          "^(?:[0-9]{4}-[0-9]{2}-[0-9]{2})$"
        ]
      ]
    },
    "GemeentecodeType": {
      "builtin": "string",
      "patterns": [
        [
          "^(?:[0-9]{4})$"
        ]
      ]
    },
    "Tekst64Type": {
      "builtin": "string",
      "patterns": [
        [
          "^(?:[^\\t\\n\\r\\u{7f}]*[^[ \\t\\n\\r]\\u{7f}][^\\t\\n\\r\\u{7f}]*)$"
        ]
      ],
      "maxLength": 64
    },
    "Tekst200Type": {
      "builtin": "string",
      "patterns": [
        [
          "^(?:[^\\t\\n\\r\\u{7f}]*[^[ \\t\\n\\r]\\u{7f}][^\\t\\n\\r\\u{7f}]*)$"
        ]
      ],
      "maxLength": 200
    },
    "TelefoonType": {
      "builtin": "string",
      "patterns": [
        [
          "^(?:[0-9\\+\\(\\)\\- ]{6,20})$"
        ]
      ]
    },
    "EmailType": {
      "builtin": "string",
      "patterns": [
        [
          "^(?:[^[ \\t\\n\\r]\\@]+@[^[ \\t\\n\\r]\\@]+\\.[^[ \\t\\n\\r]\\@]+)$"
        ]
      ],
      "maxLength": 254
    },
    "DomeinType": {
      "builtin": "string",
      "patterns": [],
      "enumeration": [
        "jeugdhulp",
        "jeugdgezondheidszorg",
        "gezondheidszorg",
        "onderwijs",
        "maatschappelijke-ondersteuning",
        "werk-en-inkomen",
        "politie-en-justitie"
      ]
    },
    "IntrekkingRedenType": {
      "builtin": "string",
      "patterns": [],
      "enumeration": [
        "zorg-afgerond",
        "niet-meer-betrokken",
        "onterecht-gemeld",
        "overig"
      ]
    },
    "VerwijderingRedenType": {
      "builtin": "string",
      "patterns": [],
      "enumeration": [
        "bezwaar-gegrond",
        "onjuiste-gegevens",
        "niet-meldingsbevoegd",
        "overig"
      ]
    },
    "MatchSoortType": {
      "builtin": "string",
      "patterns": [],
      "enumeration": [
        "kind",
        "gezin"
      ]
    },
    "MatchReikwijdteType": {
      "builtin": "string",
      "patterns": [],
      "enumeration": [
        "binnen-convenant",
        "convenant-overstijgend"
      ]
    },
    "FoutcodeType": {
      "builtin": "string",
      "patterns": [
        [
          "^(?:[A-Z][A-Z0-9_]{1,63})$"
        ]
      ]
    },
    "Tekst500Type": {
      "builtin": "string",
      "patterns": [
        [
          "^(?:[^\\t\\n\\r\\u{7f}]*[^[ \\t\\n\\r]\\u{7f}][^\\t\\n\\r\\u{7f}]*)$"
        ]
      ],
      "maxLength": 500
    },
    "RichtingType": {
      "builtin": "string",
      "patterns": [],
      "enumeration": [
        "heen",
        "terug"
      ]
    },
    "ComponentType": {
      "builtin": "string",
      "patterns": [
        [
          "^(?:[A-Za-z0-9][A-Za-z0-9\\._\\:\\/\\-]{0,63})$"
        ]
      ]
    },
    "BsnType": {
      "builtin": "string",
      "patterns": [
        [
          "^(?:[0-9]{9})$"
        ]
      ]
    }
  }
};
