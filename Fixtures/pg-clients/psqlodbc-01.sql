SET DateStyle = 'ISO';SET extra_float_digits = 2;show transaction_isolation
