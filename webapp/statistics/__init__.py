"""Statistics: indices per unit and period (computed by ``analysis``), the unit report, its
charts, PDF and XLSX files, and the staff dashboard pages."""
