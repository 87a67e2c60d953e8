"""An invoice importer that compiles its XSD with xmlschema for every file.

xmlschema.XMLSchema() parses the schema document, builds every component
and its validators, and checks the schema against the meta-schema; the same
XSD text is compiled again for each invoice, only the invoice differs.
"""
import random

import xmlschema

XSD = """<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:simpleType name="currency">
    <xs:restriction base="xs:string"><xs:pattern value="[A-Z]{3}"/></xs:restriction>
  </xs:simpleType>
  <xs:complexType name="party">
    <xs:sequence>
      <xs:element name="name" type="xs:string"/>
      <xs:element name="vat" type="xs:string" minOccurs="0"/>
      <xs:element name="country" type="xs:string"/>
    </xs:sequence>
  </xs:complexType>
  <xs:complexType name="line">
    <xs:sequence>
      <xs:element name="description" type="xs:string"/>
      <xs:element name="quantity" type="xs:positiveInteger"/>
      <xs:element name="price" type="xs:decimal"/>
    </xs:sequence>
    <xs:attribute name="number" type="xs:positiveInteger" use="required"/>
  </xs:complexType>
  <xs:element name="invoice">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="issued" type="xs:date"/>
        <xs:element name="seller" type="party"/>
        <xs:element name="buyer" type="party"/>
        <xs:element name="line" type="line" maxOccurs="unbounded"/>
      </xs:sequence>
      <xs:attribute name="id" type="xs:string" use="required"/>
      <xs:attribute name="currency" type="currency" use="required"/>
    </xs:complexType>
  </xs:element>
</xs:schema>
"""


def make_invoice(rng, i):
    """Returns an invoice document with a random number of lines."""
    lines = "".join(
        "<line number='%d'><description>item %d</description><quantity>%d</quantity><price>%d.%02d</price></line>"
        % (n + 1, rng.randint(1, 999), rng.randint(1, 20), rng.randint(1, 500), rng.randint(0, 99))
        for n in range(rng.randint(1, 15)))
    return ("<invoice id='INV-%05d' currency='%s'><issued>2024-%02d-%02d</issued>"
            "<seller><name>Shop</name><vat>DE123</vat><country>DE</country></seller>"
            "<buyer><name>Buyer %d</name><country>%s</country></buyer>%s</invoice>"
            % (i, rng.choice(["EUR", "USD"]), rng.randint(1, 12), rng.randint(1, 28), i,
               rng.choice(["DE", "FR", "NL"]), lines))


def import_invoice(document):
    schema = xmlschema.XMLSchema(XSD)
    return schema.to_dict(document)


def main():
    rng = random.Random(17)
    invoices = [make_invoice(rng, i) for i in range(60)]
    parsed = [import_invoice(doc) for doc in invoices]
    print(sum(len(p["line"]) for p in parsed), "invoice lines")


if __name__ == "__main__":
    main()
